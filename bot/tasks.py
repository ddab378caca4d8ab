"""Small helpers for the shell's background tasks."""

from __future__ import annotations

import asyncio
import contextlib


async def cancel_and_wait(task: asyncio.Task | None) -> None:
    """Cancel `task` (if any) and wait until it has really stopped."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def sleep_until_woken(wake: asyncio.Event, timeout: float) -> None:
    """Sleep until `wake` is set or `timeout` seconds have passed, then clear it.

    (Not `wait_for`, whose cancellation can hang on Python 3.11 when the event fires at
    that moment.)
    """
    waiter = asyncio.ensure_future(wake.wait())
    try:
        await asyncio.wait({waiter}, timeout=timeout)
    finally:
        waiter.cancel()
    wake.clear()

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


def retry_wait(failures: int) -> float:
    """Seconds to wait after `failures` (≥ 1) failed tries in a row: 1, 2, 4 … at most five
    minutes (the outbox and the inbox both retry on a time budget with these waits)."""
    return min(2.0 ** (failures - 1), 300.0)

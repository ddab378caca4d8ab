"""Waiting on a condition in tests: poll it, with a generous guard instead of a timing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

GUARD_SECONDS = 20.0


async def eventually(condition: Callable[[], Any], timeout: float = GUARD_SECONDS) -> Any:
    """The condition's first truthy value; fails when it never comes within the guard."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)

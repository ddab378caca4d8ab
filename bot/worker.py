"""The shell's background workers (inbox, delivery, scheduler) share one loop.

A worker does one `step` at a time: again at once when the step says there is more,
otherwise after `interval` seconds or as soon as someone calls `wake` (a new event was
stored, a decision queued messages). A failing step is logged and the loop goes on: the
database may be away for a moment, and one bad pass must not stop the worker for good.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod

from bot.tasks import cancel_and_wait

log = logging.getLogger(__name__)


class Worker(ABC):
    """`start` runs the loop in the background, `stop` cancels it and waits for it."""

    #: Names the step in the log line of a failure ("inbox pass failed").
    step_name = "worker step"

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel_and_wait(task)

    def wake(self) -> None:
        """Something may be due now: step soon, never wait here."""
        self._wake.set()

    @abstractmethod
    async def step(self) -> bool:
        """One pass over what is due; True when work is left (step again at once)."""

    async def _run(self) -> None:
        while True:
            more = False
            try:
                more = await self.step()
            except Exception:
                log.exception("%s failed", self.step_name)
            if not more:
                await self._sleep()

    async def _sleep(self) -> None:
        """Until woken or `interval` has passed, then clear the wake-up.

        (Not `wait_for`, whose cancellation can hang on Python 3.11 when the event fires
        at that moment.)
        """
        waiter = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({waiter}, timeout=self.interval)
        finally:
            waiter.cancel()
        self._wake.clear()

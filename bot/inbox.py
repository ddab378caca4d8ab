"""The inbox worker: decides what the adapters stored, in arrival order, exactly once.

Adapters store every platform event in the inbox (`storage.inbox`) before telling the
platform they have it, then wake this worker. It also looks on its own every
`poll_interval`, so that rows a crashed process left behind are decided after the
restart. Each row is claimed with a lease, translated into core events (for a raw
payload by its adapter, which may call the platform, e.g. Slack's directory) and decided
in one transaction that also marks it decided (`bot.decide`).

A failure retries the row later with a growing wait (at most five minutes), for as long
as `budget` after the event arrived (the delivery budget, 24 hours by default: a
platform outage or a database that refuses for a while loses nothing). After that, or
at once when the row cannot be read, it is set aside with a log line naming only its
number and the exception's type (never the text), and holds up nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from bot.adapter import Unreadable
from bot.tasks import retry_wait
from bot.worker import Worker
from conversations.events import Event
from storage.inbox import InboxItem, InboxState, Received
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

LEASE_SECONDS = 15.0  # a dead process's claims are taken over after at most this
POLL_INTERVAL = 1.0
BUDGET = timedelta(hours=24)
BATCH = 20
CONCURRENCY = 4  # rows decided at a time (threads; PostgreSQL runs them side by side)

Translate = Callable[[InboxItem], Awaitable[Sequence[Event]]]
Decide = Callable[[str, Sequence[Event], int], Awaitable[bool]]


def wall_clock() -> datetime:
    """The inbox's own time (leases, retries): real time, whatever the core's clock says."""
    return datetime.now(UTC)


class InboxWorker(Worker):
    """Stores events (`receive`) and decides them in the background (`start`/`stop`)."""

    step_name = "inbox pass"

    def __init__(
        self,
        engine: Engine,
        translate: Translate,
        decide: Decide,
        platforms: Callable[[], Collection[str]],
        *,
        poll_interval: float = POLL_INTERVAL,
        lease_seconds: float = LEASE_SECONDS,
        budget: timedelta = BUDGET,
        concurrency: int = CONCURRENCY,
    ) -> None:
        super().__init__(poll_interval)
        self.engine = engine
        self.concurrency = concurrency
        self._translate = translate
        self._decide = decide
        self._platforms = platforms
        self.lease_seconds = lease_seconds
        self.budget = budget
        self._lock = asyncio.Lock()
        # Storing is what the platform waits for (the Slack ack): threads of its own, so
        # that it never queues behind decisions and deliveries in the default pool.
        self._storing = ThreadPoolExecutor(2, thread_name_prefix="inbox-store")

    # --- storing ----------------------------------------------------------------------
    async def receive(self, *received: Received) -> list[int | None]:
        """Store events (a Telegram getUpdates batch: all of it) in one short transaction
        and wake the worker; per event its row id, or None when the platform sent this
        event id before. Raises when they could not be stored: then the platform must not
        be told we have them."""
        loop = asyncio.get_running_loop()
        rows = await loop.run_in_executor(self._storing, self._store, received)
        self.wake()
        return rows

    def _store(self, batch: Sequence[Received]) -> list[int | None]:
        now = wall_clock()
        with UnitOfWork(self.engine, urgent=True) as uow:  # the platform waits for it
            rows = [uow.inbox.add(received, now) for received in batch]
            uow.commit()
        return rows

    # --- deciding ---------------------------------------------------------------------
    async def step(self) -> bool:
        await self.work()
        return False

    async def work(self) -> int:
        """Decide what is due now until nothing is; returns how many rows were decided.

        Up to `concurrency` rows are decided at a time. A claim never hands out a row
        while an earlier row of the same actor or chat is undecided — also one being
        decided here — so each person's and each chat's events keep their order; rows
        about one partnership wait for each other on its lock in the database.
        """
        decided = 0
        async with self._lock:
            claimed: list[InboxItem] = []
            running: set[asyncio.Task[bool]] = set()
            more = True  # whether claiming can find rows that nothing new woke us for
            try:
                while True:
                    if not claimed and len(running) < self.concurrency \
                            and (more or self._wake.is_set()):
                        self._wake.clear()  # what is stored from now on wakes the wait
                        claimed, more = await asyncio.to_thread(self._claim)
                    while claimed and len(running) < self.concurrency:
                        running.add(asyncio.create_task(self._process(claimed.pop(0))))
                    if not running:
                        return decided
                    room = not claimed and len(running) < self.concurrency
                    decided += await self._one_done(running, room=room)
            finally:
                for task in running:
                    task.cancel()
                await asyncio.gather(*running, return_exceptions=True)

    async def _one_done(self, running: set[asyncio.Task[bool]], *, room: bool) -> int:
        """Wait until a decision ends (removed from `running`: how many it decided) or,
        with `room` for more, until something new is stored."""
        stored = asyncio.ensure_future(self._wake.wait())
        try:
            done, _ = await asyncio.wait({*running, *((stored,) if room else ())},
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            stored.cancel()
        finished = done & running
        running -= finished
        return sum(task.result() for task in finished)

    def _claim(self) -> tuple[list[InboxItem], bool]:
        """Rows to decide, and whether due rows were left (`Claimed.more`)."""
        with UnitOfWork(self.engine) as uow:
            claimed = uow.inbox.claim(wall_clock(), BATCH, self.lease_seconds,
                                      tuple(self._platforms()))
            uow.commit()
        return claimed.items, claimed.more

    async def _process(self, item: InboxItem) -> bool:
        """Decide one row; True when this process decided it."""
        try:
            if item.payload is None:
                raise Unreadable("no payload")
            events = await self._translate(item)
            return await self._decide(item.platform, events, item.id)
        except Unreadable as error:
            await asyncio.to_thread(self._set_aside, item, error)
            return False
        except Exception as error:  # a bug, or the platform or database away: try again
            await asyncio.to_thread(self._failed, item, error)
            return False

    def _failed(self, item: InboxItem, error: Exception) -> None:
        now = wall_clock()
        if now >= item.received_at + self.budget:
            self._set_aside(item, error)
            return
        # Only the type: an exception's text may quote what a partner typed.
        log.warning("inbox row %s failed (%s): trying again", item.id, type(error).__name__)
        log.debug("inbox failure detail", exc_info=error)
        with UnitOfWork(self.engine) as uow:
            uow.inbox.retry_later(item.id, now, retry_wait(item.attempts + 1),
                                  type(error).__name__)
            uow.commit()

    def _set_aside(self, item: InboxItem, error: Exception) -> None:
        # Unreadable's text is a type name or a fixed phrase, never what was typed.
        reason = (f"cannot be read: {error}" if isinstance(error, Unreadable)
                  else f"failed {item.attempts + 1} times in {self.budget}: "
                       f"{type(error).__name__}")
        log.warning("inbox row %s set aside (%s)", item.id, reason)
        with UnitOfWork(self.engine) as uow:
            uow.inbox.set_aside(item.id, wall_clock(), reason)
            uow.commit()

    # --- waiting ----------------------------------------------------------------------
    async def settled(self, inbox_id: int) -> InboxState:
        """Decide now and wait until row `inbox_id` was decided or set aside, or has
        failed once (it is retried in the background): for a caller in this process
        that wants to see the outcome, like the terminal session."""
        while True:
            await self.work()
            state = await asyncio.to_thread(self._state, inbox_id)
            if state.done or state.attempts > 0:
                return state
            await asyncio.sleep(0.02)  # another process has it, or an earlier row waits

    def _state(self, inbox_id: int) -> InboxState:
        with UnitOfWork(self.engine) as uow:
            return uow.inbox.state(inbox_id)

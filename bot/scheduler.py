"""The check-in scheduler: an event source like the platforms.

Every tick it takes the time from the runtime's clock and looks, with three read-only
indexed queries of at most `batch` rows each (`storage.due`), for

1. planned check-ins that are due (``partnerships.next_checkin_at <= now``),
2. reminders that are due (open check-ins, ``rounds.remind_at <= now``),
3. windows that have closed (open check-ins, ``rounds.deadline <= now``),

and stores one inbox event (`CheckinDue`) per item through the same `receive` as every
platform, with an id made of the work, the partnership, the open check-in's number and
the moment it fell due. The
inbox worker decides it like any other event (`bot.decide`), against the locked,
current state: the inbox's event-id check makes a second scheduler (another process,
or the next tick before the first event was decided) store nothing twice, and work done
meanwhile (an early reveal) makes the event change nothing. The cost of a tick depends
on the batch size, not on how many partnerships exist; a tick that stored a full batch
makes the next one come at once.

Each tick also deletes delivered and decided rows older than `retention`
(`storage.retention`), at most a batch of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot.adapter import Receive
from bot.worker import Worker
from conversations.events import CheckinDue, CheckinWork
from storage import retention as kept
from storage.due import Due
from storage.inbox import EVENT, Received
from storage.serialization import event_to_json
from storage.unit_of_work import UnitOfWork

DEFAULT_INTERVAL = 30.0
DEFAULT_BATCH = 50


@dataclass(frozen=True)
class Tick:
    """What one tick stored (new events only) and pruned; `more` says a batch was full."""

    opened: int = 0
    reminded: int = 0
    closed: int = 0
    more: bool = False
    pruned: int = 0


class Scheduler(Worker):
    step_name = "scheduler tick"

    def __init__(
        self,
        engine: Engine,
        receive: Receive,
        clock: Callable[[], datetime],
        platforms: Callable[[], Collection[str]],
        *,
        interval: float = DEFAULT_INTERVAL,
        batch: int = DEFAULT_BATCH,
        retention: timedelta = kept.DEFAULT_KEEP,
    ) -> None:
        super().__init__(interval)
        self.engine = engine
        self.retention = retention
        self.receive = receive
        self.clock = clock
        self.platforms = platforms
        self.batch = batch
        self._lock = asyncio.Lock()

    async def step(self) -> bool:
        return (await self.tick()).more

    async def tick(self) -> Tick:
        """Store an event for each piece of check-in work due now; prune old rows."""
        async with self._lock:
            now = self.clock()
            found = await asyncio.to_thread(self.due, now)
            counts, more = [], False
            for work, items in found.items():
                stored = await self.receive(*(_received(work, d) for d in items)) if items else []
                fresh = sum(row is not None for row in stored)
                counts.append(fresh)
                more = more or (len(items) >= self.batch and fresh > 0)
            pruned = await asyncio.to_thread(kept.prune, self.engine, now, self.retention)
        return Tick(*counts, more=more or pruned >= kept.DEFAULT_BATCH, pruned=pruned)

    def due(self, now: datetime) -> dict[CheckinWork, list[Due]]:
        """What is due at `now`, per kind of work (reads only; also the benchmark's)."""
        platforms = tuple(self.platforms())
        with UnitOfWork(self.engine) as uow:
            return {
                CheckinWork.OPEN: uow.due.checkins(now, self.batch, platforms),
                CheckinWork.REMIND: uow.due.reminders(now, self.batch, platforms),
                CheckinWork.CLOSE: uow.due.closings(now, self.batch, platforms),
            }


def _received(work: CheckinWork, due: Due) -> Received:
    """The inbox event for one piece of work; ordered with its channel's events."""
    event = CheckinDue(due.partnership_id, work)
    key = f"checkin-{work}:{due.partnership_id}:{due.round or ''}:{due.at.isoformat()}"
    return Received(due.platform, key, EVENT, event_to_json(event), None, due.channel_id)

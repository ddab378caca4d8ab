"""The check-in scheduler: part of the runtime's lifecycle.

Every tick it takes the time from the runtime's clock and does three passes, each
driven by one indexed query that returns at most `batch` partnerships, and a fourth:

1. due check-ins (``partnerships.next_checkin_at <= now``) → `checkin_due`;
2. due reminders (open check-ins, ``rounds.remind_at <= now``) → `remind_due`;
3. closed windows (open check-ins, ``rounds.deadline <= now``) → `close_due`, plus the
   trend picture, drawn here (the core only says what to draw);
4. retention: delivered and decided rows older than `retention` (`storage.retention`).

The queries lock the partnership rows ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite
serialises writers), and the core re-checks every decision against the locked, current
state: two `optafel run` processes never open the same check-in twice nor ask a partner
twice. The cost of a tick depends on the batch size, not on how many partnerships exist.
A pass that filled its batch makes the next tick come at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.worker import Worker
from conversations.checkin import checkin_due, remind_due
from conversations.checkin_result import close_due
from conversations.context import Context
from conversations.decision import Decision
from conversations.effects import UploadPicture
from conversations.model import RoundKind, Table
from conversations.trend import Trend
from storage import retention as kept
from storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 30.0
DEFAULT_BATCH = 50


def _draw(trend: Trend) -> bytes:
    from bot.chart import draw_trend  # matplotlib loads on first use, not at start-up

    return draw_trend(trend)


@dataclass(frozen=True)
class Tick:
    """What one tick did; `more` says a batch was full, so there is work left."""

    opened: int = 0
    reminded: int = 0
    closed: int = 0
    more: bool = False
    pruned: int = 0


class Scheduler(Worker):
    step_name = "scheduler tick"

    def __init__(
        self,
        runtime: Runtime,
        *,
        interval: float = DEFAULT_INTERVAL,
        batch: int = DEFAULT_BATCH,
        draw: Callable[[Trend], bytes] = _draw,
        retention: timedelta = kept.DEFAULT_KEEP,
    ) -> None:
        super().__init__(interval)
        self.runtime = runtime
        self.retention = retention
        self.batch = batch
        self.draw = draw
        self._lock = asyncio.Lock()

    async def step(self) -> bool:
        """A pass that filled its batch makes the next tick come at once."""
        return (await self.tick()).more

    # --- one tick ---------------------------------------------------------------------
    async def tick(self) -> Tick:
        """One pass over what is due now; the delivery is woken for what it queued."""
        async with self._lock:
            result = await asyncio.to_thread(self.tick_now, self.runtime.clock())
        self.runtime.delivery.wake()
        return result

    def tick_now(self, now: datetime) -> Tick:
        """The synchronous tick at `now` (also used by the benchmark)."""
        opened, more_open = self._pass(now, lambda uow: uow.tables.due_checkins(now, self.batch),
                                       self._open)
        reminded, more_remind = self._pass(
            now, lambda uow: uow.tables.checkins_to_remind(now, self.batch), self._remind)
        closed, more_close = self._pass(
            now, lambda uow: uow.tables.checkins_to_close(now, self.batch), self._close)
        pruned = kept.prune(self.runtime.engine, now, self.retention)
        return Tick(opened, reminded, closed,
                    more_open or more_remind or more_close or pruned >= kept.DEFAULT_BATCH, pruned)

    def _context(self, table: Table, now: datetime) -> Context:
        runtime = self.runtime
        return Context(now=now, platform=table.partnership.platform, token=runtime.tokens(),
                       default_language=runtime.default_language,
                       checkin_window=runtime.checkin_window)

    def _pass(
        self,
        now: datetime,
        claim: Callable[[UnitOfWork], list[int]],
        decide: Callable[[UnitOfWork, Table, Context], Decision],
    ) -> tuple[int, bool]:
        """Claim a batch, decide each partnership on its locked state, commit once."""
        done = 0
        with UnitOfWork(self.runtime.engine) as uow:
            ids = claim(uow)
            for partnership_id in ids:
                try:
                    with uow.session.begin_nested():
                        table = uow.tables.by_id(partnership_id)
                        if table is None:
                            continue
                        decision = decide(uow, table, self._context(table, now))
                        if decision.table is not None or decision.effects:
                            uow.record(table.partnership.platform, partnership_id, decision)
                            done += 1
                except Exception:
                    log.exception("check-in work for partnership %s failed", partnership_id)
            uow.commit()
        return done, len(ids) >= self.batch and done > 0

    @staticmethod
    def _open(uow: UnitOfWork, table: Table, ctx: Context) -> Decision:
        return checkin_due(table, ctx)

    @staticmethod
    def _remind(uow: UnitOfWork, table: Table, ctx: Context) -> Decision:
        return remind_due(table, ctx)

    def _close(self, uow: UnitOfWork, table: Table, ctx: Context) -> Decision:
        pid = table.partnership.id
        history = sorted(
            [*uow.tables.closed_rounds(pid, RoundKind.INTERESTS),
             *uow.tables.closed_rounds(pid, RoundKind.CHECKIN)],
            key=lambda pair: pair[0].number,
        )
        decision, trend = close_due(table, history, ctx)
        if trend is None:
            return decision
        picture = UploadPicture(table.partnership.channel_id, self.draw(trend), trend.title)
        return Decision(decision.table, (*decision.effects, picture))

"""A local partnership with the check-in scheduler, on a real database and a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.chart import draw_trend
from bot.local.adapter import LocalAdapter
from bot.local.session import LocalSession
from bot.runtime import Runtime
from bot.scheduler import Scheduler
from conversations.trend import Trend
from tests.scenario.conftest import FakeClock, answer_everything

__all__ = ["CheckinWorld", "FakeClock", "answer_everything", "start_world"]


@dataclass
class CheckinWorld:
    runtime: Runtime
    adapter: LocalAdapter
    session: LocalSession
    clock: FakeClock
    scheduler: Scheduler
    trends: list[Trend] = field(default_factory=list)  # what each picture was drawn from

    async def tick(self):
        """One scheduler tick, its events decided (with those of an earlier woken tick),
        and what they queued delivered."""
        result = await self.scheduler.tick()
        await self.runtime.inbox.work()
        await self.runtime.drain()
        return result

    def channel(self) -> list[str]:
        return [m.text for m in self.adapter.channel(self.session.channel_id)]

    def inbox(self, user_id: str) -> list[str]:
        return [m.text for m in self.adapter.inbox(user_id)]


async def start_world(engine: Engine, clock: FakeClock, pictures: Path,
                      language: str = "en") -> CheckinWorld:
    trends: list[Trend] = []

    def draw(trend: Trend) -> bytes:
        trends.append(trend)
        return draw_trend(trend)

    runtime = Runtime(engine, default_language=language, clock=clock, drain_interval=3600,
                      checkin_window=timedelta(days=3), draw=draw)
    # A long interval: the tests tick explicitly; decisions still wake the loop.
    scheduler = runtime.add_scheduler(interval=3600)
    adapter = LocalAdapter(picture_dir=pictures)
    runtime.add_adapter(adapter)
    session = LocalSession(runtime, adapter)
    await runtime.start()
    return CheckinWorld(runtime, adapter, session, clock, scheduler, trends)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def world(engine: Engine, clock: FakeClock, tmp_path: Path) -> AsyncIterator[CheckinWorld]:
    started = await start_world(engine, clock, tmp_path / "pictures")
    yield started
    await started.runtime.stop()

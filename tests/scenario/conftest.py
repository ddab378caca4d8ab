"""A local partnership on a real database: runtime, local adapter and a session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.local.adapter import LocalAdapter
from bot.local.session import LocalSession
from bot.runtime import Runtime


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Local:
    runtime: Runtime
    adapter: LocalAdapter
    session: LocalSession
    clock: FakeClock


async def start_local(engine: Engine, clock: FakeClock, language: str = "en", *,
                      adapter: LocalAdapter | None = None, **options: Any) -> Local:
    """A started runtime with the local adapter (or `adapter`); `options` for `Runtime`."""
    runtime = Runtime(engine, default_language=language, clock=clock, drain_interval=3600,
                      **options)
    adapter = adapter or LocalAdapter()
    runtime.add_adapter(adapter)
    session = LocalSession(runtime, adapter)
    await runtime.start()
    return Local(runtime, adapter, session, clock)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def local(engine: Engine, clock: FakeClock) -> AsyncIterator[Local]:
    started = await start_local(engine, clock)
    yield started
    await started.runtime.stop()


async def setup_round(local: Local, *partners: str) -> None:
    s = local.session
    await s.command("Dewi", "/setup")
    await s.command("Dewi", "/partners " + " ".join(f"@{p}" for p in partners))
    await s.command("Dewi", "/round")


async def answer_everything(s: LocalSession, who: str, organisation: str, *,
                            gets=("Knowledge",), gives=("Network",), balance="About even",
                            seal: bool = True, started: bool = False) -> None:
    """Walk one partner through all steps the way a person would."""
    if not started:
        await s.press_label(who, "Let's start")
    await s.say(who, organisation)
    await s.say(who, f"{who}'s organisation interest")
    await s.say(who, f"{who}'s own interest")
    for label in gets:
        await s.press_label(who, label)
    await s.press_label(who, "Done, next")
    for label in gives:
        await s.press_label(who, label)
    await s.press_label(who, "Done, next")
    await s.press_label(who, balance)
    await s.press_label(who, "Yes")
    await s.press_label(who, "Done, next")
    await s.say(who, f"{who}'s hope: honesty")
    await s.say(who, f"{who}'s board gets a memo")
    if seal:
        await s.press_label(who, "Seal my answers")

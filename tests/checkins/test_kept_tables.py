"""What a process keeps of the partnerships it decided is exactly what is stored.

A decision reads a partnership from the process's kept tables while nothing changed it
since (`storage.table_cache`); what it reads there must be what a load from the database
gives, to the time zone of every moment, through a whole round, agreements and a check-in.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy.engine import Engine

from storage.table_cache import cache_for
from storage.unit_of_work import UnitOfWork
from tests.conftest import engine_for

from .conftest import CheckinWorld, answer_everything
from .test_checkin_round import answer_checkin


def canonical(value: Any) -> Any:
    """A value with everything `==` overlooks spelled out: types, time zones, order."""
    if is_dataclass(value):
        return (type(value).__name__,
                tuple((f.name, canonical(getattr(value, f.name))) for f in fields(value)))
    if isinstance(value, datetime):
        return ("datetime", value.isoformat(), repr(value.tzinfo))
    if isinstance(value, Enum):
        return (type(value).__name__, value.value)
    if isinstance(value, frozenset):
        return ("frozenset", tuple(sorted(canonical(v) for v in value)))
    if isinstance(value, tuple | list):
        return (type(value).__name__, tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, canonical(v)) for k, v in value.items())))
    return (type(value).__name__, value)


def assert_kept_as_stored(engine: Engine, database_url: str) -> int:
    """Every kept table equals a fresh load through an engine that keeps nothing yet."""
    kept = cache_for(engine).tables()
    fresh_engine = engine_for(database_url)
    try:
        with UnitOfWork(fresh_engine) as uow:
            for table in kept:
                assert canonical(table) == canonical(uow.tables.by_id(table.partnership.id))
    finally:
        fresh_engine.dispose()
    return len(kept)


async def test_kept_tables_are_the_stored_ones_through_a_round_and_a_check_in(
        world: CheckinWorld, engine: Engine, database_url: str):
    w, s = world, world.session
    compared = 0

    async def step(action: Any) -> None:
        nonlocal compared
        await action
        compared += assert_kept_as_stored(engine, database_url)

    await step(s.command("Dewi", "/setup"))
    await step(s.command("Dewi", "/partners @Anna @Bram"))
    await step(s.command("Dewi", "/timezone Asia/Tokyo"))
    await step(s.command("Dewi", "/round Every child a school within 5 km"))
    await step(answer_everything(s, "Anna", "School Anna", gets=("Knowledge", "Money"),
                                 gives=("Network",)))
    await step(s.press_label("Bram", "Let's start"))
    await step(s.say("Bram", "Library Bram"))
    await step(s.private_command("Bram", "/edit"))
    await step(s.command("Dewi", "/anonymous on"))
    await step(s.command("Dewi", "/anonymous off"))
    await step(s.command("Dewi", "/reveal force"))
    await step(s.command("Anna", "/agree @Bram @Anna a monthly knowledge session"))
    await step(s.private_command("Bram", "/confirm 1"))
    await step(s.command("Dewi", "/checkin every 2 weeks monday 09:00"))
    await step(s.command("Dewi", "/checkin now"))
    await step(answer_checkin(w, "Anna", "About even", "Yes", "A new board member"))
    w.clock.advance(days=4)
    await step(w.tick())
    await step(s.private_command("Bram", "/forget yes"))
    await step(s.command("Dewi", "/status"))
    assert compared > 15  # the steps above did keep tables to compare


async def test_a_process_sees_what_another_process_changed(engine: Engine, database_url: str):
    """Two processes on one database take turns with one partner's answers: each loads
    what the other stored, never its own older copy."""
    from bot.local.adapter import LocalAdapter
    from bot.local.session import LocalSession
    from bot.runtime import Runtime
    from tests.scenario.conftest import FakeClock

    clock = FakeClock()
    other_engine = engine_for(database_url)
    sessions = []
    for each in (engine, other_engine):
        # Each process decides only what it received (no polling for the other's rows).
        runtime = Runtime(each, default_language="en", clock=clock, drain_interval=3600,
                          inbox_interval=3600)
        adapter = LocalAdapter()
        runtime.add_adapter(adapter)
        await runtime.start()
        sessions.append(LocalSession(runtime, adapter))
    one, two = sessions
    try:
        await one.command("Dewi", "/setup")
        await one.command("Dewi", "/partners @Anna")
        await one.command("Dewi", "/round")
        await one.say("Anna", "Let's start")
        await one.say("Anna", "Org by one")
        await two.say("Anna", "Org interest by two")
        clock.advance(minutes=1)
        await one.say("Anna", "Own interest by one")
        await two.say("Anna", "Skip")  # what she gets: nothing
    finally:
        for session in sessions:
            await session.runtime.stop()
        other_engine.dispose()

    fresh_engine = engine_for(database_url)  # keeps nothing yet: reads the database
    try:
        with UnitOfWork(fresh_engine) as uow:
            table = uow.tables.by_channel("local", "tafel")
    finally:
        fresh_engine.dispose()
    [interview] = table.interviews
    answers = interview.answers
    assert (answers.organisation, answers.org_interest, answers.own_interest) == (
        "Org by one", "Org interest by two", "Own interest by one")
    assert interview.step.name == "GIVE"

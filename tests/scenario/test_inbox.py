"""The inbox in the runtime: stored first, decided once, in order, text cleared after."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.runtime import Runtime
from conversations.events import ChannelCommand, Person, PrivateText
from storage.inbox import EVENT, Received
from storage.schema import InboxRow
from storage.serialization import event_to_json
from storage.unit_of_work import UnitOfWork
from tests.log_capture import logged
from tests.scenario.conftest import FakeClock, Local, start_local

SETUP = ChannelCommand("tafel", "Tafel", Person("dewi", "Dewi"), "setup")


async def eventually(condition: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)
    return value


def rename(engine: Engine, table: str, to: str) -> None:
    """Take a table away for a moment: the database refuses what needs it (no mocks)."""
    with engine.begin() as connection:
        connection.exec_driver_sql(f"ALTER TABLE {table} RENAME TO {to}")


def nothing_to_send(engine: Engine) -> bool:
    with UnitOfWork(engine) as uow:
        return uow.outbox.pending() == 0


def inbox_rows(engine: Engine) -> list[sa.Row]:
    with engine.connect() as connection:
        return list(connection.execute(sa.text(
            "SELECT id, actor, payload, decided_at, set_aside_at, error FROM inbox ORDER BY id")))


async def test_an_event_stored_before_a_crash_is_decided_after_the_restart_once(
        engine: Engine, clock: FakeClock) -> None:
    # A process stored the event (the platform got its ack) and died before deciding it.
    crashed = Runtime(engine, default_language="en", clock=clock)
    [row] = await crashed.receive(Received("local", "E1", EVENT, event_to_json(SETUP), "dewi",
                                           "tafel"))
    assert row is not None
    restarted = await start_local(engine, clock)
    await eventually(lambda: restarted.adapter.channel("tafel"))
    # Another start, and the platform sending the event once more, change nothing.
    again = await start_local(engine, clock)
    assert not await again.runtime.handle("local", SETUP, event_id="E1")
    await again.runtime.inbox.work()
    await again.runtime.drain()
    await restarted.runtime.drain()
    posted = restarted.adapter.channel("tafel") + again.adapter.channel("tafel")
    assert len(posted) == 1 and "Tafel" in posted[0].text
    await restarted.runtime.stop()
    await again.runtime.stop()


async def test_a_decision_the_database_refused_is_retried_and_then_made(
        local: Local, engine: Engine) -> None:
    rename(engine, "outbox", "outbox_away")  # the decision cannot store its messages
    await local.session.command("Dewi", "/setup")  # returns after the first failed try
    [row] = inbox_rows(engine)
    assert row.decided_at is None and row.payload is not None and row.error
    assert local.adapter.channel("tafel") == []
    rename(engine, "outbox_away", "outbox")
    await eventually(lambda: inbox_rows(engine)[0].decided_at is not None)
    await local.runtime.drain()
    [posted] = local.adapter.channel("tafel")
    assert "Tafel" in posted.text


def age(engine: Engine, *, attempts: int, hours: float) -> None:
    """Make every undecided row look as if it failed `attempts` times since it arrived
    `hours` ago, due now (setting up a long outage without waiting for it)."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            sa.update(InboxRow).where(InboxRow.decided_at.is_(None),
                                      InboxRow.set_aside_at.is_(None))
            .values(attempts=attempts, received_at=now - timedelta(hours=hours),
                    next_attempt_at=now))


async def test_a_decision_refused_for_hours_is_still_made_once_it_can_be(
        local: Local, engine: Engine) -> None:
    rename(engine, "outbox", "outbox_away")
    await local.session.command("Dewi", "/setup")
    age(engine, attempts=20, hours=23)  # twenty failures over 23 hours: within the budget
    await local.runtime.inbox.work()
    [row] = inbox_rows(engine)
    assert row.set_aside_at is None and row.payload is not None
    rename(engine, "outbox_away", "outbox")
    age(engine, attempts=21, hours=23)
    await local.runtime.inbox.work()
    await local.runtime.drain()
    [posted] = local.adapter.channel("tafel")
    assert "Tafel" in posted.text


async def test_a_decision_still_refused_after_the_budget_is_set_aside_and_unblocks(
        local: Local, engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    rename(engine, "outbox", "outbox_away")
    await local.session.command("Dewi", "/setup")
    age(engine, attempts=30, hours=24.5)
    await local.runtime.inbox.work()
    [row] = inbox_rows(engine)
    assert row.set_aside_at is not None and row.payload is None
    assert f"inbox row {row.id} set aside (failed 31 times in 1 day" in logged(caplog)


async def test_an_unreadable_row_is_set_aside_and_the_next_one_flows(
        local: Local, engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    [broken] = await local.runtime.receive(Received(
        "local", "E-broken", EVENT, {"type": "Nonsense", "text": "my secret words"}, "dewi",
        "tafel"))
    await local.session.command("Dewi", "/setup")  # the same person, behind it
    assert "Tafel" in local.adapter.channel("tafel")[0].text
    first, second = inbox_rows(engine)
    assert first.id == broken and first.set_aside_at is not None and first.payload is None
    assert second.decided_at is not None
    text = logged(caplog)
    assert f"inbox row {broken} set aside (cannot be read: ValueError)" in text
    assert "my secret words" not in text


async def test_what_a_partner_typed_leaves_the_inbox_once_decided(
        local: Local, engine: Engine) -> None:
    await local.session.command("Dewi", "/setup")
    await local.session.private_command("Anna", "/help")
    await local.session.say("Anna", "a secret interest of mine")
    rows = inbox_rows(engine)
    assert len(rows) == 3
    assert all(r.payload is None and r.decided_at is not None for r in rows)
    with engine.connect() as connection:
        everything = " ".join(str(tuple(r)) for r in connection.execute(
            sa.text("SELECT * FROM inbox")))
    assert "secret interest" not in everything


async def test_two_processes_decide_each_persons_events_once_and_in_order(
        engine: Engine, clock: FakeClock) -> None:
    from tests.scenario.test_round import setup_round

    first = await start_local(engine, clock)
    await setup_round(first, "Anna", "Bram")
    for who in ("Anna", "Bram"):
        await first.session.press_label(who, "Let's start")
    await first.runtime.stop()
    # Typed in a row while no process was deciding: stored, not decided yet.
    typing = Runtime(engine, default_language="en", clock=clock)
    for n in range(3):
        for who in ("Anna", "Bram"):
            text = PrivateText(Person(who.lower(), who), f"{who} answer {n + 1}")
            await typing.receive(Received("local", None, EVENT, event_to_json(text),
                                          who.lower()))
    b, c = await start_local(engine, clock), await start_local(engine, clock)
    await eventually(lambda: all(r.decided_at is not None for r in inbox_rows(engine)))
    await eventually(lambda: nothing_to_send(engine))
    await c.runtime.stop()
    for question in ("3/11", "4/11", "5/11"):  # each next question asked once
        asked = [m for m in first.adapter.inbox("anna") + b.adapter.inbox("anna")
                 + c.adapter.inbox("anna") if question in m.text]
        assert len(asked) == 1
    s = b.session
    await s.private_command("Anna", "/edit")  # where she is, shown by this process
    assert "5/11" in s.last("Anna").text  # all three answers taken
    for label in ("Knowledge", "Done, next", "Network", "Done, next", "About even", "Yes",
                  "Done, next"):
        await s.press_label("Anna", label)
    await s.say("Anna", "honesty")
    await s.say("Anna", "a memo")
    review = "\n".join(m.text for m in b.adapter.inbox("anna")[-2:])
    at = [review.index(f"Anna answer {n}") for n in (1, 2, 3)]
    assert at == sorted(at)  # organisation, then its interest, then her own
    await b.runtime.stop()

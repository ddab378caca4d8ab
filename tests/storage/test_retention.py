"""Retention: what was delivered, failed, decided or set aside goes after the retention
time, a bounded batch at a time; what still waits stays, and so do recent event ids."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.inbox import RAW, Received
from storage.retention import prune
from storage.unit_of_work import UnitOfWork
from tests.storage.helpers import T0
from tests.storage.test_outbox import claim, effect

WEEK = timedelta(days=7)


def _outbox(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(sa.text("SELECT destination FROM outbox")))


def _inbox(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(sa.text("SELECT event_id FROM inbox")))


def _queue(engine: Engine, *users: int) -> None:
    with UnitOfWork(engine) as uow:
        for n in users:
            uow.outbox.add("slack", None, effect(n), now=T0)
        uow.commit()


def _receive(engine: Engine, event_id: str) -> int | None:
    with UnitOfWork(engine) as uow:
        row = uow.inbox.add(Received("slack", event_id, RAW, {"text": "hi"}, actor=event_id), T0)
        uow.commit()
    return row


def test_what_was_done_with_goes_after_the_retention_time_and_nothing_else(
        engine: Engine) -> None:
    _queue(engine, 1, 2, 3, 4, 5)
    sent_early, failed_early, sent_late, _leased, waiting = claim(engine, limit=5)
    with UnitOfWork(engine) as uow:
        uow.outbox.mark_sent(sent_early, T0)
        uow.outbox.mark_failed(failed_early, T0, "channel_not_found")
        uow.outbox.mark_sent(sent_late, T0 + timedelta(days=6))
        uow.outbox.release(waiting, T0, in_doubt=False)  # waits, due at once, for a week
        uow.commit()
    rows = {name: _receive(engine, name) for name in ("decided", "aside", "recent", "undecided")}
    with UnitOfWork(engine) as uow:
        uow.inbox.mark_decided(rows["decided"], T0)
        uow.inbox.set_aside(rows["aside"], T0, "ValueError")
        uow.inbox.mark_decided(rows["recent"], T0 + timedelta(days=6))
        uow.commit()

    almost, past = T0 + WEEK - timedelta(seconds=1), T0 + WEEK + timedelta(seconds=1)
    assert prune(engine, almost, WEEK, inbox_now=almost) == 0  # not a week yet
    assert prune(engine, past, WEEK, inbox_now=past) == 4
    assert _outbox(engine) == {"user:U3", "user:U4", "user:U5"}
    assert _inbox(engine) == {"recent", "undecided"}
    # A platform sending an event again is still recognised while its id is kept.
    assert _receive(engine, "recent") is None
    assert _receive(engine, "decided") is not None  # a week later: new to the inbox


def test_each_pass_deletes_a_bounded_batch(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO inbox (platform, event_id, kind, received_at, attempts, decided_at) "
            "VALUES ('slack', :e, 'raw', :t, 0, :t)"),
            [{"e": f"E{n}", "t": T0.replace(tzinfo=None)} for n in range(1200)])
    later = T0 + WEEK + timedelta(days=1)
    assert [prune(engine, later, WEEK, batch=500, inbox_now=later)
            for _ in range(4)] == [500, 500, 200, 0]
    assert _inbox(engine) == set()


def test_retention_is_never_shorter_than_a_day(engine: Engine) -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        prune(engine, T0, timedelta(hours=23))

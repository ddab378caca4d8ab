"""Retention through the check-in scheduler: on a fake clock, delivered messages go a
week after they were sent, what still waits stays, and the outbox stops growing. The
inbox keeps real time (the platforms' redelivery window is real): events decided in
this test, moments ago, all stay however far the fake clock runs."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from conversations.effects import PostToChannel
from conversations.messages import Message
from storage.unit_of_work import UnitOfWork

from .conftest import CheckinWorld


def _ids(engine: Engine) -> set[int]:
    with engine.connect() as connection:
        return set(connection.scalars(sa.text("SELECT id FROM outbox")))


def _rows(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        return (connection.scalar(sa.text("SELECT count(*) FROM outbox")) or 0,
                connection.scalar(sa.text("SELECT count(*) FROM inbox")) or 0)


async def test_the_database_does_not_grow_with_delivered_messages(world: CheckinWorld,
                                                                  engine: Engine):
    w, s = world, world.session
    await s.command("Dewi", "/setup")
    await s.command("Dewi", "/partners @Anna")
    await s.command("Dewi", "/round")
    setup = _ids(engine)  # the round's invitation and announcements, all delivered
    with UnitOfWork(engine) as uow:  # a message that waits (elsewhere, due in a month)
        waiting = uow.outbox.add("local", None, PostToChannel("kring", Message(("later",))),
                                 now=w.clock.now + timedelta(days=30))
        uow.commit()
    counts, batches = [], []
    for _ in range(6):  # every three days a few commands, each answered
        w.clock.advance(days=3)
        for _ in range(4):
            await s.command("Dewi", "/status")
        await w.tick()
        counts.append(_rows(engine))
        batches.append(_ids(engine) - setup - {waiting} - set().union(*batches))
    outbox = [delivered for delivered, _ in counts]
    # Kept: the last week (three batches of four answers) and what waits.
    assert outbox[3] == outbox[4] == outbox[5] == 3 * 4 + 1
    assert _ids(engine) == {waiting, *batches[3], *batches[4], *batches[5]}
    assert counts[5][1] == counts[0][1] + 5 * 4  # every event id of the last minutes

"""What the scheduler finds due: the most overdue first, with the moment it fell due (the
inbox event's id), only for the platforms asked for."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy.engine import Engine

from storage.due import Due
from storage.unit_of_work import UnitOfWork
from tests.storage.helpers import CET, T0, a_table
from tests.storage.test_tables import save


def planned(engine: Engine, channel_id: str, minutes: int | None,
            platform: str = "slack") -> int:
    table = a_table(channel_id, platform=platform)
    at = None if minutes is None else T0 + timedelta(minutes=minutes)
    partnership = replace(table.partnership, next_checkin_at=at)
    return save(engine, replace(table, partnership=partnership)).partnership.id


def test_due_checkins_most_overdue_first_with_their_moment(engine: Engine) -> None:
    late = planned(engine, "late", -5)
    now = planned(engine, "now", 0)
    planned(engine, "later", 5)
    earliest = planned(engine, "earliest", -60)
    planned(engine, "none", None)
    planned(engine, "elsewhere", -90, platform="telegram")

    with UnitOfWork(engine) as uow:
        due = uow.due.checkins(T0, 10, ("slack",))
        assert [d.partnership_id for d in due] == [earliest, late, now]
        assert due[0] == Due(earliest, "slack", "earliest", due[0].at)
        assert due[0].at.replace(tzinfo=T0.tzinfo) == T0 - timedelta(minutes=60)
        assert [d.partnership_id for d in uow.due.checkins(T0, 2, ("slack",))] == [earliest,
                                                                                   late]
        assert uow.due.checkins(T0.astimezone(CET), 10, ("slack",)) == due
        assert uow.due.checkins(T0 - timedelta(hours=2), 10, ("slack",)) == []
        assert len(uow.due.checkins(T0, 10, ("slack", "telegram"))) == 4

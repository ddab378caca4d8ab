from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from conversations.model import (
    Answers,
    Interview,
    Member,
    Round,
    RoundKind,
    RoundStatus,
    Step,
    Table,
)
from storage.unit_of_work import UnitOfWork
from tests.storage.helpers import CET, T0, a_table


def save(engine: Engine, table: Table) -> Table:
    with UnitOfWork(engine) as uow:
        saved = uow.tables.save(table)
        uow.commit()
    return saved


def load(engine: Engine, partnership_id: int) -> Table | None:
    with UnitOfWork(engine) as uow:
        return uow.tables.by_id(partnership_id)


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))


def test_round_trip(engine: Engine) -> None:
    table = a_table()
    saved = save(engine, table)
    pid = saved.partnership.id
    assert isinstance(pid, int)
    assert saved == replace(table, partnership=replace(table.partnership, id=pid))

    loaded = load(engine, pid)
    assert loaded == saved
    with UnitOfWork(engine) as uow:
        assert uow.tables.by_channel("slack", "C1") == saved
        assert uow.tables.by_channel("slack", "C2") is None
        assert uow.tables.by_channel("telegram", "C1") is None
        assert uow.tables.by_id(pid + 1000) is None

    answers = loaded.interview(loaded.rounds[0], "U1").answers
    assert answers.gets == frozenset({"knowledge", "network"})
    assert isinstance(answers.gets, frozenset)
    assert answers.get_note == "<b>not bold</b> & more"
    for value in (
        loaded.partnership.next_checkin_at,
        loaded.rounds[0].opened_at,
        loaded.rounds[0].deadline,
        loaded.interviews[0].sealed_at,
    ):
        assert value.tzinfo is not None
        assert value.utcoffset() == timedelta(0)
    assert loaded.rounds[0].opened_at == T0  # microseconds survive
    assert loaded.interviews[1].step is Step.GET
    assert loaded.rounds[0].kind is RoundKind.INTERESTS
    assert loaded.rounds[0].status is RoundStatus.OPEN


def test_other_time_zones_are_stored_as_utc(engine: Engine) -> None:
    local = T0.astimezone(CET)
    table = a_table()
    table = replace(table, partnership=replace(table.partnership, next_checkin_at=local))
    pid = save(engine, table).partnership.id
    stored = load(engine, pid).partnership.next_checkin_at
    assert stored == local
    assert stored.tzinfo == UTC or stored.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    table = a_table()
    naive = T0.replace(tzinfo=None)
    table = replace(table, partnership=replace(table.partnership, next_checkin_at=naive))
    with UnitOfWork(engine) as uow, pytest.raises(Exception, match="naive"):
        uow.tables.save(table)


def test_second_save_updates_instead_of_duplicating(engine: Engine) -> None:
    saved = save(engine, a_table())
    pid = saved.partnership.id
    rnd = saved.rounds[0]
    changed = (
        replace(saved, partnership=replace(saved.partnership, name="Nieuw", anonymous=False))
        .with_member(replace(saved.member("U2"), name="Bob B.", unreachable=True))
        .with_member(Member("U4", "Dirk", is_partner=True))
        .with_round(replace(rnd, status=RoundStatus.REVEALED, closed_at=T0 + timedelta(days=8)))
        .with_interview(
            replace(
                saved.interview(rnd, "U2"),
                step=Step.GIVE,
                answers=Answers(gets=frozenset({"x"})),
            )
        )
        .with_interview(Interview(round_number=1, user_id="U4"))
    )
    resaved = save(engine, changed)
    assert resaved.partnership.id == pid
    again = save(engine, resaved)  # saving an unchanged table is harmless
    assert again == resaved

    loaded = load(engine, pid)
    assert loaded.partnership.name == "Nieuw"
    assert [m.user_id for m in loaded.members] == ["U1", "U2", "U3", "U4"]
    assert loaded.member("U2") == Member(
        "U2", "Bob B.", organisation="GGD", is_partner=True, unreachable=True
    )
    assert loaded.rounds == (changed.rounds[0],)
    assert loaded.interview(loaded.rounds[0], "U2").answers.gets == frozenset({"x"})
    assert loaded.interview(loaded.rounds[0], "U2").step is Step.GIVE
    assert len(loaded.interviews) == 3
    assert (count(engine, "partnerships"), count(engine, "members")) == (1, 4)
    assert (count(engine, "rounds"), count(engine, "interviews")) == (1, 3)


def test_save_never_deletes(engine: Engine) -> None:
    saved = save(engine, a_table())
    save(engine, replace(saved, members=saved.members[:1], interviews=()))
    loaded = load(engine, saved.partnership.id)
    assert len(loaded.members) == 3
    assert len(loaded.interviews) == 2


def test_table_holds_the_latest_round_of_each_kind(engine: Engine) -> None:
    saved = save(engine, a_table())
    pid = saved.partnership.id
    first = saved.rounds[0]
    revealed = replace(first, status=RoundStatus.REVEALED, closed_at=T0 + timedelta(days=7))
    checkin = Round(2, RoundKind.CHECKIN, RoundStatus.OPEN, T0 + timedelta(days=10), "tok-c2")
    table = (
        saved.with_round(revealed)
        .with_round(checkin)
        .with_interview(Interview(round_number=2, user_id="U2", step=Step.BALANCE))
    )
    save(engine, table)
    second = Round(3, RoundKind.INTERESTS, RoundStatus.OPEN, T0 + timedelta(days=30), "tok-i3")
    table = table.with_round(second).with_interview(Interview(round_number=3, user_id="U1"))
    assert {r.number for r in table.rounds} == {2, 3}
    save(engine, table)

    loaded = load(engine, pid)
    assert [r.number for r in loaded.rounds] == [2, 3]
    assert loaded.latest(RoundKind.INTERESTS) == second
    assert loaded.latest(RoundKind.CHECKIN) == checkin
    assert {(i.round_number, i.user_id) for i in loaded.interviews} == {(2, "U2"), (3, "U1")}
    assert loaded.next_round_number() == 4

    with UnitOfWork(engine) as uow:
        closed = uow.tables.closed_rounds(pid, RoundKind.INTERESTS)
        assert uow.tables.closed_rounds(pid, RoundKind.CHECKIN) == []
        assert uow.tables.partnership_id_for_token("tok-c2") == pid
        assert uow.tables.partnership_id_for_token(first.token) == pid
        assert uow.tables.partnership_id_for_token("nope") is None
    assert len(closed) == 1
    rnd, interviews = closed[0]
    assert rnd == revealed
    assert interviews == saved.interviews


def test_closed_rounds_oldest_first(engine: Engine) -> None:
    table = save(engine, a_table())
    pid = table.partnership.id
    for number in range(2, 6):
        status = RoundStatus.CANCELLED if number == 4 else RoundStatus.REVEALED
        rnd = Round(number, RoundKind.CHECKIN, status, T0 + timedelta(days=number), f"c{number}")
        table = table.with_round(rnd).with_interview(
            Interview(number, "U1", answers=Answers(balance=number))
        )
        table = save(engine, table)
    with UnitOfWork(engine) as uow:
        closed = uow.tables.closed_rounds(pid, RoundKind.CHECKIN)
    assert [r.number for r, _ in closed] == [2, 3, 5]
    assert [i[0].answers.balance for _, i in closed] == [2, 3, 5]


def test_partnership_ids_for_user(engine: Engine) -> None:
    one = save(engine, a_table("C1")).partnership.id
    two = save(engine, a_table("C2")).partnership.id
    save(engine, a_table("C1", platform="telegram"))
    with UnitOfWork(engine) as uow:
        assert uow.tables.partnership_ids_for_user("slack", "U1") == [one, two]
        assert uow.tables.partnership_ids_for_user("slack", "U9") == []


def test_interview_of_a_stranger_is_refused(engine: Engine) -> None:
    table = a_table().with_interview(Interview(round_number=1, user_id="U99"))
    with UnitOfWork(engine) as uow, pytest.raises(ValueError, match="not a member"):
        uow.tables.save(table)
    table = a_table().with_interview(Interview(round_number=7, user_id="U1"))
    with UnitOfWork(engine) as uow, pytest.raises(ValueError, match="unknown round"):
        uow.tables.save(table)


def test_unit_of_work_rolls_back_without_commit(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.tables.save(a_table())
    assert count(engine, "partnerships") == 0

    with pytest.raises(RuntimeError), UnitOfWork(engine) as uow:
        uow.tables.save(a_table())
        raise RuntimeError("boom")
    assert count(engine, "partnerships") == 0

    with UnitOfWork(engine) as uow:
        uow.tables.save(a_table())
        uow.commit()
        uow.tables.save(a_table("C2"))  # after the commit, not committed itself
    assert count(engine, "partnerships") == 1

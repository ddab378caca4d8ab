"""The inbox table: stored once per event id, claimed in arrival order per actor and chat,
decided once, payloads cleared."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.inbox import RAW, Claimed, Received
from storage.unit_of_work import UnitOfWork
from tests.storage.helpers import T0

LEASE = 15.0


def _store(engine: Engine, *received: Received) -> list[int | None]:
    with UnitOfWork(engine) as uow:
        rows = [uow.inbox.add(r, T0) for r in received]
        uow.commit()
    return rows


def _text(actor: str, text: str, chat: str | None = None, event_id: str | None = None
          ) -> Received:
    return Received("slack", event_id, RAW, {"text": text}, actor=actor, chat=chat)


def _claimed(engine: Engine, at=T0, platforms=None, limit: int = 10) -> Claimed:
    with UnitOfWork(engine) as uow:
        claimed = uow.inbox.claim(at, limit, LEASE, platforms)
        uow.commit()
    return claimed


def _claim(engine: Engine, at=T0, platforms=None) -> list[int]:
    return [i.id for i in _claimed(engine, at, platforms).items]


def _decide(engine: Engine, row: int) -> bool:
    with UnitOfWork(engine) as uow:
        done = uow.inbox.mark_decided(row, T0)
        uow.commit()
    return done


def _payloads(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        return list(connection.scalars(sa.text("SELECT payload FROM inbox ORDER BY id")))


def test_a_repeated_event_id_is_stored_once(engine: Engine) -> None:
    first, again = _store(engine, _text("U1", "hi", event_id="Ev1"),
                          _text("U1", "hi", event_id="Ev1"))
    assert first is not None and again is None
    [other_platform] = _store(engine, Received("telegram", "Ev1", RAW, {}, actor="U1"))
    assert other_platform is not None
    no_ids = _store(engine, _text("U1", "a"), _text("U1", "b"))  # no id: never a duplicate
    assert None not in no_ids
    with UnitOfWork(engine) as uow:
        assert uow.inbox.pending() == 4


def test_rows_of_one_person_or_chat_are_decided_in_arrival_order(engine: Engine) -> None:
    anna1, anna2, bram, in_channel = _store(
        engine, _text("anna", "one"), _text("anna", "two"), _text("bram", "three"),
        _text("dewi", "round", chat="C1"))
    [bram_later] = _store(engine, _text("bram", "x", chat="C1"))  # same chat as dewi's
    assert _claim(engine) == [anna1, bram, in_channel]
    assert _claim(engine) == []  # claimed: leased, and the rest waits behind them
    assert _decide(engine, anna1) and _decide(engine, bram)
    assert _claim(engine) == [anna2]
    assert _decide(engine, in_channel)
    assert _claim(engine) == [bram_later]


def test_a_claim_says_whether_it_left_rows_that_are_due(engine: Engine) -> None:
    """Only then can claiming again, before anything new is stored, find more."""
    anna1, anna2, bram, dewi = _store(engine, _text("anna", "one"), _text("anna", "two"),
                                      _text("bram", "three"), _text("dewi", "four"))
    first = _claimed(engine, limit=2)
    assert [i.id for i in first.items] == [anna1, bram] and first.more  # dewi: the limit
    second = _claimed(engine)
    assert [i.id for i in second.items] == [dewi] and second.more  # anna2 waits behind anna1
    assert _decide(engine, anna1)
    third = _claimed(engine)
    assert [i.id for i in third.items] == [anna2] and not third.more
    assert _claimed(engine) == Claimed([], False)
    assert _claim(engine, T0 + timedelta(seconds=LEASE)) == [anna2, bram, dewi]  # leases ran out


def test_deciding_clears_the_payload_and_happens_once(engine: Engine) -> None:
    [row] = _store(engine, _text("anna", "my secret interest"))
    assert _claim(engine) == [row]
    assert _decide(engine, row)
    assert not _decide(engine, row)  # a second process finds it decided
    assert _payloads(engine) == [None]
    with UnitOfWork(engine) as uow:
        assert uow.inbox.state(row).done and uow.inbox.pending() == 0


def test_a_lease_that_ran_out_lets_another_process_claim(engine: Engine) -> None:
    [row] = _store(engine, _text("anna", "hi"))
    assert _claim(engine) == [row]
    assert _claim(engine, T0 + timedelta(seconds=LEASE - 1)) == []
    assert _claim(engine, T0 + timedelta(seconds=LEASE)) == [row]


def test_a_failed_row_waits_then_is_set_aside_and_holds_up_nothing(engine: Engine) -> None:
    bad, after = _store(engine, _text("anna", "poison"), _text("anna", "next"))
    assert _claim(engine) == [bad]
    with UnitOfWork(engine) as uow:
        uow.inbox.retry_later(bad, T0, 2, "KeyError")
        uow.commit()
    assert _claim(engine, T0 + timedelta(seconds=1)) == []  # not due; `after` waits behind
    assert _claim(engine, T0 + timedelta(seconds=2)) == [bad]
    with UnitOfWork(engine) as uow:
        uow.inbox.set_aside(bad, T0, "KeyError")
        uow.commit()
        assert uow.inbox.state(bad).attempts == 2
    assert _claim(engine, T0 + timedelta(seconds=2)) == [after]
    assert _payloads(engine)[0] is None


def test_claims_only_the_platforms_asked_for(engine: Engine) -> None:
    [slack] = _store(engine, _text("anna", "hi"))
    [telegram] = _store(engine, Received("telegram", "1", RAW, {}, actor="7"))
    assert _claim(engine, platforms=("telegram",)) == [telegram]
    assert _claim(engine, platforms=("slack",)) == [slack]


def test_two_processes_claiming_at_once_never_get_the_same_row(postgresql_url: str) -> None:
    from storage.database import create_engine_for, migrate

    engine = create_engine_for(postgresql_url)
    migrate(engine)
    try:
        first, second = _store(engine, _text("anna", "one"), _text("bram", "two"))
        with UnitOfWork(engine) as a, UnitOfWork(engine) as b:
            # a has claimed but not committed: its rows are locked, b skips them.
            claimed_a = [i.id for i in a.inbox.claim(T0, 1, LEASE).items]
            claimed_b = [i.id for i in b.inbox.claim(T0, 10, LEASE).items]
            a.commit()
            b.commit()
        assert claimed_a == [first] and claimed_b == [second]
    finally:
        engine.dispose()


@pytest.mark.parametrize("payload", [{"text": "x" * 20_000}])
def test_a_large_payload_round_trips(engine: Engine, payload: dict) -> None:
    _store(engine, Received("slack", "Ev9", RAW, payload, actor="U1"))
    with UnitOfWork(engine) as uow:
        [item] = uow.inbox.claim(T0, 10, LEASE).items
        assert item.payload == payload

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from conversations.effects import PostToChannel, SendPrivate, UploadPicture
from conversations.messages import Button, Message
from conversations.trend import Series, Trend
from storage.outbox import OutboxItem
from storage.schema import OutboxRow
from storage.unit_of_work import UnitOfWork
from tests.storage.helpers import T0


def effect(n: int) -> SendPrivate:
    return SendPrivate(f"U{n}", Message((f"bericht {n}",), ((Button("OK", f"ok:{n}"),),)))


def fill(engine: Engine, n: int, partnership_id: int | None = None) -> list[int]:
    with UnitOfWork(engine) as uow:
        ids = [uow.outbox.add("slack", partnership_id, effect(i), now=T0) for i in range(n)]
        uow.commit()
    return ids


def claim(
    engine: Engine, now: datetime = T0, limit: int = 10, lease_seconds: float = 60
) -> list[OutboxItem]:
    with UnitOfWork(engine) as uow:
        items = uow.outbox.claim(now, limit, lease_seconds=lease_seconds)
        uow.commit()
    return items


def pending(engine: Engine) -> int:
    with UnitOfWork(engine) as uow:
        return uow.outbox.pending()


def test_add_and_claim_in_order(engine: Engine) -> None:
    ids = fill(engine, 5, partnership_id=None)
    assert ids == sorted(ids)
    assert pending(engine) == 5
    items = claim(engine, limit=3)
    assert [i.id for i in items] == ids[:3]
    assert [i.effect for i in items] == [effect(0), effect(1), effect(2)]
    assert items[0] == OutboxItem(ids[0], "slack", None, effect(0), 0, lease=items[0].lease,
                                  destination="user:U0", created_at=T0)
    assert len({i.lease for i in items}) == 3  # a fencing token per item
    assert [i.id for i in claim(engine, limit=10)] == ids[3:]
    assert claim(engine) == []  # everything is leased


def test_add_is_part_of_the_transaction(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.outbox.add("slack", None, effect(1))
    assert pending(engine) == 0
    with UnitOfWork(engine) as uow:
        uow.outbox.add("telegram", None, PostToChannel("-100", Message(("hoi",))))
        uow.commit()
    assert pending(engine) == 1
    # Without `now` an item is due at once, even for a claimer with a clock in the past.
    items = claim(engine, now=T0 - timedelta(days=3650))
    assert [i.platform for i in items] == ["telegram"]


def test_items_not_yet_due_are_not_claimed(engine: Engine) -> None:
    fill(engine, 1)
    assert claim(engine, now=T0 - timedelta(seconds=1)) == []
    assert len(claim(engine, now=T0)) == 1


def test_lease_expires(engine: Engine) -> None:
    fill(engine, 2)
    first = claim(engine, lease_seconds=30)
    assert len(first) == 2
    assert claim(engine, now=T0 + timedelta(seconds=29)) == []
    again = claim(engine, now=T0 + timedelta(seconds=30))
    assert [i.id for i in again] == [i.id for i in first]
    assert pending(engine) == 2


def test_sent_items_are_done(engine: Engine) -> None:
    ids = fill(engine, 2)
    first, _ = claim(engine)
    with UnitOfWork(engine) as uow:
        assert uow.outbox.mark_sent(first, T0)
        uow.commit()
    assert pending(engine) == 1
    later = claim(engine, now=T0 + timedelta(hours=1))
    assert [i.id for i in later] == [ids[1]]


def test_retry_later_and_fail(engine: Engine) -> None:
    fill(engine, 1)
    [item] = claim(engine)
    until = T0 + timedelta(days=1)
    with UnitOfWork(engine) as uow:
        uow.outbox.retry_later(item, T0, 120, "429 rate limited", until, counts=False)
        uow.commit()
    assert claim(engine, now=T0 + timedelta(seconds=119)) == []
    [item] = claim(engine, now=T0 + timedelta(seconds=120))
    assert item.attempts == 0 and item.retry_until == until  # the platform's wait is free
    with UnitOfWork(engine) as uow:
        uow.outbox.retry_later(item, T0, 1, "timeout", until)
        uow.commit()
    [item] = claim(engine, now=T0 + timedelta(hours=1))
    assert item.attempts == 1
    with UnitOfWork(engine) as uow:
        uow.outbox.mark_failed(item, T0, error="channel_not_found")
        uow.commit()
    assert pending(engine) == 0
    assert claim(engine, now=T0 + timedelta(days=1)) == []


def test_pictures_survive_the_outbox(engine: Engine) -> None:
    picture = UploadPicture("C1", Trend("Trend", ("Round 1",), (Series("Anna", (3,)),),
                                         ("1", "2", "3", "4", "5"), "Round", "Balance"))
    with UnitOfWork(engine) as uow:
        uow.outbox.add("slack", None, picture, now=T0)
        uow.commit()
    [item] = claim(engine)
    assert item.effect == picture


def test_concurrent_claims_never_share_items(engine: Engine) -> None:
    ids = fill(engine, 40)
    barrier = threading.Barrier(4)
    claimed: list[list[int]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(20):
                items = claim(engine, limit=3)
                claimed.append([i.id for i in items])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    flat = [i for batch in claimed for i in batch]
    assert sorted(flat) == ids  # every item exactly once


@pytest.mark.parametrize("limit", [0])
def test_zero_limit(engine: Engine, limit: int) -> None:
    fill(engine, 1)
    assert claim(engine, limit=limit) == []


def test_claim_only_the_platforms_asked_for(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        slack = uow.outbox.add("slack", None, effect(1), now=T0)
        telegram = uow.outbox.add("telegram", None, effect(2), now=T0)
        local = uow.outbox.add("local", None, effect(3), now=T0)
        uow.commit()
    with UnitOfWork(engine) as uow:
        items = uow.outbox.claim(T0, 10, platforms=("telegram", "local"))
        assert uow.outbox.claim(T0, 10, platforms=()) == []
        uow.commit()
    assert [i.id for i in items] == [telegram, local]
    assert [i.id for i in claim(engine)] == [slack]


def test_a_process_whose_lease_ran_out_cannot_record_over_the_next_holder(engine: Engine) -> None:
    fill(engine, 1)
    [stale] = claim(engine, lease_seconds=15)
    [fresh] = claim(engine, now=T0 + timedelta(seconds=15))  # the first process seemed dead
    assert fresh.lease != stale.lease
    with UnitOfWork(engine) as uow:
        assert not uow.outbox.record_progress(stale, 1)
        assert not uow.outbox.mark_sent(stale, T0)
        assert not uow.outbox.retry_later(stale, T0, 1, "timeout", T0)
        assert not uow.outbox.mark_failed(stale, T0, "timeout")
        uow.commit()
    assert pending(engine) == 1  # none of the stale writes landed
    with UnitOfWork(engine) as uow:
        assert uow.outbox.record_progress(fresh, 2)
        assert uow.outbox.mark_sent(fresh, T0)
        assert not uow.outbox.mark_sent(fresh, T0)  # recorded once
        uow.commit()
    assert pending(engine) == 0


def test_a_renewed_lease_is_not_taken_over(engine: Engine) -> None:
    fill(engine, 1)
    [item] = claim(engine, lease_seconds=15)
    with UnitOfWork(engine) as uow:
        uow.outbox.renew([item.lease], T0 + timedelta(seconds=10), 15)
        uow.commit()
    assert claim(engine, now=T0 + timedelta(seconds=24)) == []
    [again] = claim(engine, now=T0 + timedelta(seconds=25))
    assert again.id == item.id


def test_progress_survives_a_new_claim(engine: Engine) -> None:
    fill(engine, 1)
    [item] = claim(engine, lease_seconds=15)
    with UnitOfWork(engine) as uow:
        uow.outbox.record_progress(item, 2)
        uow.commit()
    [again] = claim(engine, now=T0 + timedelta(seconds=15))
    assert again.progress == 2


def test_an_undecodable_row_is_set_aside_and_blocks_nothing(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    ids = fill(engine, 3)
    with UnitOfWork(engine) as uow:  # a row written by a future version, or damaged
        uow.session.execute(sa.update(OutboxRow).where(OutboxRow.id == ids[0])
                            .values(kind="no-such-kind", payload={"secret": "Anna's answer"}))
        uow.session.execute(sa.update(OutboxRow).where(OutboxRow.id == ids[1])
                            .values(destination="user:U0"))  # queued behind the bad one
        uow.commit()
    assert [i.id for i in claim(engine)] == [ids[2]]
    assert [i.id for i in claim(engine)] == [ids[1]]  # its turn once the bad one is aside
    assert pending(engine) == 2
    assert f"outbox item {ids[0]} cannot be decoded" in caplog.text
    assert "Anna" not in caplog.text
    with UnitOfWork(engine) as uow:
        error = uow.session.scalar(sa.select(OutboxRow.error).where(OutboxRow.id == ids[0]))
    assert error is not None and error.startswith("cannot be decoded")


def test_sent_failed_and_set_aside_rows_keep_no_message(engine: Engine) -> None:
    """A message may quote sealed answers: once done with, its row keeps only the id."""
    ids = fill(engine, 4)
    with UnitOfWork(engine) as uow:
        uow.session.execute(sa.update(OutboxRow).where(OutboxRow.id == ids[2])
                            .values(kind="no-such-kind"))
        uow.commit()
    sent, failed, kept = claim(engine)
    with UnitOfWork(engine) as uow:
        assert uow.outbox.mark_sent(sent, T0) and uow.outbox.mark_failed(failed, T0, "gone")
        uow.commit()
    with engine.connect() as connection:
        payloads = dict(connection.execute(sa.select(OutboxRow.id, OutboxRow.payload)).all())
    assert payloads[sent.id] == payloads[failed.id] == payloads[ids[2]] == {}
    assert kept.id == ids[3] and "bericht 3" in str(payloads[ids[3]])  # still to send

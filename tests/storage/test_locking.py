"""The partnership lock: concurrent events on one table never lose an update."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from sqlalchemy.engine import Engine

from storage.unit_of_work import UnitOfWork
from tests.storage.helpers import T0, a_table

THREADS = 3
INCREMENTS = 5


def test_concurrent_increments_are_serialised(engine: Engine) -> None:
    table = a_table()
    table = replace(table, partnership=replace(table.partnership, checkin_weeks=0))
    with UnitOfWork(engine) as uow:
        pid = uow.tables.save(table).partnership.id
        uow.commit()

    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    inside = 0
    overlaps = 0
    guard = threading.Lock()

    def increment() -> None:
        nonlocal inside, overlaps
        with UnitOfWork(engine) as uow:
            loaded = uow.tables.by_id(pid)
            assert loaded is not None
            with guard:
                inside += 1
                overlaps += inside > 1
            counter = loaded.partnership.checkin_weeks
            time.sleep(0.01)  # widen the window in which an update could be lost
            uow.tables.save(
                replace(loaded, partnership=replace(loaded.partnership, checkin_weeks=counter + 1))
            )
            with guard:
                inside -= 1
            uow.commit()

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(INCREMENTS):
                increment()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert overlaps == 0
    with UnitOfWork(engine) as uow:
        assert uow.tables.by_id(pid).partnership.checkin_weeks == THREADS * INCREMENTS


def test_due_checkins_are_claimed_once(engine: Engine) -> None:
    """Two schedulers running at once never get the same due partnership."""
    ids = []
    for n in range(6):
        table = a_table(f"C{n}")
        table = replace(table, partnership=replace(table.partnership, next_checkin_at=T0))
        with UnitOfWork(engine) as uow:
            ids.append(uow.tables.save(table).partnership.id)
            uow.commit()

    first_claimed = threading.Event()
    release = threading.Event()
    results: dict[str, list[int]] = {}

    def first() -> None:
        with UnitOfWork(engine) as uow:
            results["first"] = uow.tables.due_checkins(T0, limit=3)
            first_claimed.set()
            release.wait(5)
            for pid in results["first"]:
                t = uow.tables.by_id(pid)
                uow.tables.save(
                    replace(t, partnership=replace(t.partnership, next_checkin_at=None))
                )
            uow.commit()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_claimed.wait(5)
    # PostgreSQL skips the locked rows; SQLite waits for the first writer to commit.
    second = threading.Thread(target=lambda: results.setdefault("second", claim_due(engine)))
    second.start()
    time.sleep(0.2)
    release.set()
    thread.join()
    second.join()
    assert len(results["first"]) == 3
    assert set(results["first"]).isdisjoint(results["second"])
    assert sorted(results["first"] + results["second"]) == ids


def claim_due(engine: Engine) -> list[int]:
    with UnitOfWork(engine) as uow:
        return uow.tables.due_checkins(T0, limit=10)

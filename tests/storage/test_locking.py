"""The partnership lock: concurrent events on one table never lose an update."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import Engine

from storage.database import migrate
from storage.unit_of_work import UnitOfWork
from tests.conftest import engine_for
from tests.storage.helpers import a_table

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


def test_a_reading_unit_of_work_does_not_wait_for_a_writer(engine: Engine) -> None:
    """What `help` reads (the channel's language) is read beside a long decision."""
    with UnitOfWork(engine) as uow:
        table = uow.tables.save(a_table())
        uow.commit()
    platform, channel = table.partnership.platform, table.partnership.channel_id
    found: list[str | None] = []
    with UnitOfWork(engine) as writer:
        assert writer.tables.by_id(table.partnership.id) is not None  # holds the lock

        def read() -> None:
            with UnitOfWork(engine, read_only=True) as reader:
                found.append(reader.tables.language_of(platform, channel))

        reading = threading.Thread(target=read)
        reading.start()
        reading.join(5)
        assert found == [table.partnership.language]  # read while the writer holds on
    with UnitOfWork(engine, read_only=True) as reader:
        assert reader.tables.language_of(platform, "C0NOWHERE") is None


def test_what_a_platform_waits_for_is_written_before_the_others_waiting(
        tmp_path: Path) -> None:
    """On SQLite, storing an event (Slack waits for its ack) goes before the decisions
    and deliveries already waiting for their turn."""
    engine = engine_for(f"sqlite:///{tmp_path / 'turns.db'}")
    migrate(engine)
    order: list[str] = []

    def write(name: str, urgent: bool) -> None:
        with UnitOfWork(engine, urgent=urgent) as uow:
            uow.inbox.pending()
            order.append(name)
            uow.commit()

    try:
        with UnitOfWork(engine) as holder:
            holder.inbox.pending()  # holds the turn
            waiting = [threading.Thread(target=write, args=(f"decision {n}", False))
                       for n in range(3)]
            for thread in waiting:
                thread.start()
            time.sleep(0.2)  # they are all waiting now
            stored = threading.Thread(target=write, args=("stored event", True))
            stored.start()
            time.sleep(0.2)
        for thread in [*waiting, stored]:
            thread.join(10)
        assert order[0] == "stored event" and len(order) == 4
    finally:
        engine.dispose()

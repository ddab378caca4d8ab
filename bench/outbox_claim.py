"""What a claim of the outbox costs with a long history, and with a backlog to one destination.

    python -m bench.outbox_claim                       # SQLite temp files
    python -m bench.outbox_claim --database-url postgresql+psycopg://postgres@127.0.0.1/test

It times `OutboxRepository.claim` (storage/outbox.py) as the delivery calls it — up to 50
items, one platform — on four fresh databases:

* history: 10 messages waiting, each to a partner of its own, on an empty outbox, and
  the same 10 after 100,000 delivered rows (default; `--history`);
* backlog: 3 messages waiting to one destination, and 3,000 (default; `--backlog`);
  either way one item can go (the oldest; the others wait their turn).

Each claim runs in a unit of work that is rolled back, so every repeat sees the same
outbox; the four cases are timed in turn, round robin, so that other load on the machine
weighs on each alike. It prints the median time of a claim per case and the ratios:
100,000 delivered / empty (goal ≤ 1.5×), and 3,000 waiting / 3 (goal ≤ 1×, within the
noise). A ratio near 1 means the claim does not grow with what the outbox holds.

PostgreSQL: every case gets a database of its own, created on that server and dropped at
the end; nothing else on the server is touched.
"""

from __future__ import annotations

import statistics
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.common import ms, own_database, parser_for, ratio

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
PLATFORM = "telegram"
WAITING = 10
CHUNK = 5000


@dataclass(frozen=True)
class Case:
    name: str
    delivered: int  # rows already sent, older than the waiting ones
    waiting: int
    destinations: int  # the waiting rows go to this many destinations, round robin


def _message(n: int) -> object:
    from conversations.effects import SendPrivate
    from conversations.messages import Message

    return SendPrivate(str(10_000 + n), Message((f"Question {n}: what do you bring?",)))


def seed(engine: sa.Engine, case: Case) -> None:
    """Delivered history in bulk, then the waiting items through `OutboxRepository.add`."""
    from conversations.effects import destination
    from storage.schema import OutboxRow
    from storage.serialization import effect_to_json
    from storage.unit_of_work import UnitOfWork

    with engine.begin() as connection:
        rows = []
        for n in range(case.delivered):
            effect = _message(n % 500)
            kind, payload = effect_to_json(effect)
            sent = NOW - timedelta(days=365) + timedelta(seconds=n * 300)
            rows.append({"platform": PLATFORM, "partnership_id": 1 + n % 50, "kind": kind,
                         "destination": destination(effect), "payload": payload,
                         "created_at": sent, "attempts": 0, "progress": 0,
                         "next_attempt_at": sent, "sent_at": sent})
            if len(rows) == CHUNK:
                connection.execute(sa.insert(OutboxRow), rows)
                rows = []
        if rows:
            connection.execute(sa.insert(OutboxRow), rows)
    with UnitOfWork(engine) as uow:
        for n in range(case.waiting):
            uow.outbox.add(PLATFORM, 1, _message(n % case.destinations), NOW)
        uow.commit()
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")  # fresh statistics for the planner


def time_claim(engine: sa.Engine, expect: int) -> float:
    """One claim in a unit of work that is rolled back: the next one sees the same outbox."""
    from storage.unit_of_work import UnitOfWork

    with UnitOfWork(engine) as uow:
        started = time.perf_counter()
        items = uow.outbox.claim(NOW, limit=50, lease_seconds=15, platforms=(PLATFORM,))
        elapsed = time.perf_counter() - started
    if len(items) != expect:
        raise RuntimeError(f"claimed {len(items)}, expected {expect}")
    return elapsed


def run(server_url: str | None, history: int, backlog: int, repeat: int) -> None:
    from storage.database import create_engine_for, migrate

    database = "PostgreSQL" if server_url else "SQLite"
    cases = [
        Case(f"{WAITING} waiting, empty history", 0, WAITING, WAITING),
        Case(f"{WAITING} waiting, {history:,} delivered", history, WAITING, WAITING),
        Case("3 waiting to one destination", 0, 3, 1),
        Case(f"{backlog:,} waiting to one destination", 0, backlog, 1),
    ]
    with ExitStack() as stack:
        engines = []
        for case in cases:
            started = time.perf_counter()
            engine = create_engine_for(stack.enter_context(own_database(server_url)))
            stack.callback(engine.dispose)
            migrate(engine)
            seed(engine, case)
            time_claim(engine, min(case.destinations, 50))  # warm up: connection, SQL
            engines.append(engine)
            print(f"  {case.name:<40} set up in {time.perf_counter() - started:.1f} s",
                  flush=True)
        # Round robin: a load that comes and goes on the machine weighs on every case alike.
        timings: list[list[float]] = [[] for _ in cases]
        for _ in range(repeat):
            for case, engine, found in zip(cases, engines, timings, strict=True):
                found.append(time_claim(engine, min(case.destinations, 50)))
    medians = [statistics.median(found) for found in timings]
    print(f"\nclaim, median of {repeat} ({database}):")
    for case, median in zip(cases, medians, strict=True):
        print(f"  {case.name:<40} {ms(median):>10}")
    print(f"\nratio ({database}):")
    print(f"  {f'{history:,} delivered / empty outbox':<40} {ratio(medians[1], medians[0])}")
    print(f"  {f'{backlog:,} / 3 waiting to one destination':<40} {ratio(medians[3], medians[2])}")


def main(argv: list[str] | None = None) -> None:
    parser = parser_for(__doc__)
    parser.add_argument("--history", type=int, default=100_000, help="delivered rows")
    parser.add_argument("--backlog", type=int, default=3_000,
                        help="rows waiting to one destination")
    parser.add_argument("--repeat", type=int, default=20, help="claims timed per case")
    args = parser.parse_args(argv)
    print(f"outbox claim ({'PostgreSQL' if args.database_url else 'SQLite'}):")
    run(args.database_url, args.history, args.backlog, args.repeat)


if __name__ == "__main__":
    main()

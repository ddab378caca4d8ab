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
outbox. It prints the median time of a claim per case and the ratios: 100,000 delivered /
empty, and 3,000 waiting / 3. A ratio near 1 means the claim does not grow with what the
outbox holds.

PostgreSQL: every case gets a database of its own, created on that server and dropped at
the end; nothing else on the server is touched.
"""

from __future__ import annotations

import statistics
import time
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


def time_claims(engine: sa.Engine, expect: int, repeat: int) -> float:
    from storage.unit_of_work import UnitOfWork

    timings = []
    for _ in range(repeat + 1):  # the first one warms up (connections, compiled SQL)
        with UnitOfWork(engine) as uow:  # never committed: the next claim sees the same
            started = time.perf_counter()
            items = uow.outbox.claim(NOW, limit=50, lease_seconds=15, platforms=(PLATFORM,))
            timings.append(time.perf_counter() - started)
        if len(items) != expect:
            raise RuntimeError(f"claimed {len(items)}, expected {expect}")
    return statistics.median(timings[1:])


def measure(server_url: str | None, case: Case, repeat: int) -> float:
    from storage.database import create_engine_for, migrate

    with own_database(server_url) as url:
        engine = create_engine_for(url)
        try:
            migrate(engine)
            seed(engine, case)
            return time_claims(engine, min(case.destinations, 50), repeat)
        finally:
            engine.dispose()


def run(server_url: str | None, history: int, backlog: int, repeat: int) -> None:
    database = "PostgreSQL" if server_url else "SQLite"
    cases = [
        Case(f"{WAITING} waiting, empty history", 0, WAITING, WAITING),
        Case(f"{WAITING} waiting, {history:,} delivered", history, WAITING, WAITING),
        Case("3 waiting to one destination", 0, 3, 1),
        Case(f"{backlog:,} waiting to one destination", 0, backlog, 1),
    ]
    found = []
    for case in cases:
        started = time.perf_counter()
        found.append(measure(server_url, case, repeat))
        print(f"  {case.name:<40} claim {ms(found[-1]):>10}  (median of {repeat}; "
              f"set up in {time.perf_counter() - started:.1f} s)", flush=True)
    print(f"\nratio ({database}):")
    print(f"  {f'{history:,} delivered / empty outbox':<40} {ratio(found[1], found[0])}")
    print(f"  {f'{backlog:,} / 3 waiting to one destination':<40} {ratio(found[3], found[2])}")


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

"""What a claim of the outbox and of the inbox costs with a long history, and with a backlog.

    python -m bench.claims                       # SQLite temp files
    python -m bench.claims --database-url postgresql+psycopg://postgres@127.0.0.1/test

It times the claims as the workers make them — `OutboxRepository.claim`
(storage/outbox.py) as the delivery does, up to 50 items, and `InboxRepository.claim`
(storage/inbox.py) as the inbox worker does, up to 20 events, each for one platform — on
six fresh databases:

* outbox history: 10 messages waiting, each to a partner of its own, on an empty outbox,
  and the same 10 after 100,000 delivered rows (default; `--history`);
* outbox backlog: 3 messages waiting to one destination, and 3,000 (default;
  `--backlog`); either way one item can go (the oldest; the others wait their turn);
* inbox history: 10 events of 10 people waiting on an empty inbox, and the same 10 after
  100,000 decided events (kept, their payload emptied, to recognise an event a platform
  sends again: a week of them by default, `OPTAFEL_RETENTION_DAYS`).

Each claim runs in a unit of work that is rolled back, so every repeat sees the same
rows; the cases are timed in turn, round robin, so that other load on the machine weighs
on each alike. It prints the median time of a claim per case and the ratios: 100,000
delivered or decided / empty (goal ≤ 1.5×), and 3,000 waiting / 3 (goal ≤ 1×, within the
noise). A ratio near 1 means the claim does not grow with what the table holds.

The planner works as in a running installation: on SQLite without statistics (nothing
runs ANALYZE there), on PostgreSQL with fresh ones (autovacuum gathers them). PostgreSQL:
every case gets a database of its own, created on that server and dropped at the end;
nothing else on the server is touched.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench.common import ms, own_database, parser_for, ratio

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
PLATFORM = "telegram"
WAITING = 10
CHUNK = 5000
OUTBOX_LIMIT = 50  # as the delivery claims
INBOX_LIMIT = 20  # as the inbox worker claims (`bot.inbox.BATCH`)


@dataclass(frozen=True)
class Case:
    name: str
    table: str  # "outbox" or "inbox"
    done: int  # rows delivered or decided already, older than the waiting ones
    waiting: int
    destinations: int  # the waiting rows go to (or come from) this many, round robin

    @property
    def claimable(self) -> int:
        """What one claim returns: one row per destination (outbox) or person (inbox)."""
        return min(self.destinations, OUTBOX_LIMIT if self.table == "outbox" else INBOX_LIMIT)


def _message(n: int) -> object:
    from conversations.effects import SendPrivate
    from conversations.messages import Message

    return SendPrivate(str(10_000 + n), Message((f"Question {n}: what do you bring?",)))


def _bulk(engine: sa.Engine, model: type, rows: Iterator[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        for chunk in iter(lambda: list(itertools.islice(rows, CHUNK)), []):
            connection.execute(sa.insert(model), chunk)


def _delivered(case: Case) -> Iterator[dict[str, Any]]:
    from conversations.effects import destination
    from storage.serialization import effect_to_json

    for n in range(case.done):
        effect = _message(n % 500)
        kind, payload = effect_to_json(effect)
        sent = NOW - timedelta(days=365) + timedelta(seconds=n * 300)
        yield {"platform": PLATFORM, "partnership_id": 1 + n % 50, "kind": kind,
               "destination": destination(effect), "payload": {}, "created_at": sent,
               "attempts": 0, "progress": 0, "next_attempt_at": sent, "sent_at": sent}


def _decided(case: Case) -> Iterator[dict[str, Any]]:
    for n in range(case.done):
        at = NOW - timedelta(days=7) + timedelta(seconds=n * 6)
        yield {"platform": PLATFORM, "event_id": f"decided-{n}", "kind": "raw",
               "actor": str(20_000 + n % 500), "chat": str(20_000 + n % 500),
               "payload": None, "received_at": at, "attempts": 0, "next_attempt_at": None,
               "decided_at": at}


def seed(engine: sa.Engine, case: Case) -> None:
    """The history in bulk, then the waiting rows as the runtime adds them."""
    from storage.inbox import RAW, Received
    from storage.schema import InboxRow, OutboxRow
    from storage.unit_of_work import UnitOfWork

    if case.table == "outbox":
        _bulk(engine, OutboxRow, _delivered(case))
    else:
        _bulk(engine, InboxRow, _decided(case))
    with UnitOfWork(engine) as uow:
        for n in range(case.waiting):
            person = str(30_000 + n % case.destinations)
            if case.table == "outbox":
                uow.outbox.add(PLATFORM, 1, _message(n % case.destinations), NOW)
            else:
                uow.inbox.add(Received(PLATFORM, f"waiting-{n}", RAW, {"text": f"answer {n}"},
                                       person, person), NOW)
        uow.commit()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")  # as autovacuum does in a running database


def time_claim(engine: sa.Engine, case: Case) -> float:
    """One claim in a unit of work that is rolled back: the next one sees the same rows."""
    from storage.unit_of_work import UnitOfWork

    with UnitOfWork(engine) as uow:
        started = time.perf_counter()
        if case.table == "outbox":
            found = len(uow.outbox.claim(NOW, limit=OUTBOX_LIMIT, lease_seconds=15,
                                         platforms=(PLATFORM,)))
        else:
            found = len(uow.inbox.claim(NOW, INBOX_LIMIT, 15, (PLATFORM,)).items)
        elapsed = time.perf_counter() - started
    if found != case.claimable:
        raise RuntimeError(f"{case.name}: claimed {found}, expected {case.claimable}")
    return elapsed


def run(server_url: str | None, history: int, backlog: int, repeat: int) -> None:
    from storage.database import create_engine_for, migrate

    database = "PostgreSQL" if server_url else "SQLite"
    cases = [
        Case(f"outbox: {WAITING} waiting, empty history", "outbox", 0, WAITING, WAITING),
        Case(f"outbox: {WAITING} waiting, {history:,} delivered", "outbox", history, WAITING,
             WAITING),
        Case("outbox: 3 waiting to one destination", "outbox", 0, 3, 1),
        Case(f"outbox: {backlog:,} waiting to one destination", "outbox", 0, backlog, 1),
        Case(f"inbox: {WAITING} waiting, empty history", "inbox", 0, WAITING, WAITING),
        Case(f"inbox: {WAITING} waiting, {history:,} decided", "inbox", history, WAITING,
             WAITING),
    ]
    with ExitStack() as stack:
        engines = []
        for case in cases:
            started = time.perf_counter()
            engine = create_engine_for(stack.enter_context(own_database(server_url)))
            stack.callback(engine.dispose)
            migrate(engine)
            seed(engine, case)
            time_claim(engine, case)  # warm up: connection, SQL
            engines.append(engine)
            print(f"  {case.name:<46} set up in {time.perf_counter() - started:.1f} s",
                  flush=True)
        # Round robin: a load that comes and goes on the machine weighs on every case alike.
        timings: list[list[float]] = [[] for _ in cases]
        for _ in range(repeat):
            for case, engine, found in zip(cases, engines, timings, strict=True):
                found.append(time_claim(engine, case))
    medians = [statistics.median(found) for found in timings]
    print(f"\nclaim, median of {repeat} ({database}):")
    for case, median in zip(cases, medians, strict=True):
        print(f"  {case.name:<46} {ms(median):>10}")
    print(f"\nratio ({database}):")
    print(f"  {f'outbox: {history:,} delivered / empty':<46} {ratio(medians[1], medians[0])}")
    print(f"  {f'outbox: {backlog:,} / 3 waiting to one destination':<46} "
          f"{ratio(medians[3], medians[2])}")
    print(f"  {f'inbox: {history:,} decided / empty':<46} {ratio(medians[5], medians[4])}")


def main(argv: list[str] | None = None) -> None:
    parser = parser_for(__doc__)
    parser.add_argument("--history", type=int, default=100_000,
                        help="rows delivered (outbox) and decided (inbox)")
    parser.add_argument("--backlog", type=int, default=3_000,
                        help="rows waiting to one destination")
    parser.add_argument("--repeat", type=int, default=20, help="claims timed per case")
    args = parser.parse_args(argv)
    print(f"claims ({'PostgreSQL' if args.database_url else 'SQLite'}):")
    run(args.database_url, args.history, args.backlog, args.repeat)


if __name__ == "__main__":
    main()

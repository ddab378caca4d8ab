"""How the check-in scheduler's cost grows with the number of partnerships.

    python bench/scheduler.py                       # SQLite temp files
    python bench/scheduler.py --database-url postgresql+psycopg://postgres@127.0.0.1/test

For each size (default 1,000 and 100,000 partnerships) it seeds a fresh database: every
partnership has a schedule and a history (a revealed interest round and two revealed
check-ins), 1% have an open check-in that is not due yet, and a few percent (default 5%)
are due, with three partners each. Then it times

* the due-check query (`DueRepository.checkins`, one batch), and
* a tick (`Scheduler.tick`, then the inbox deciding what it stored): find a batch of due
  partnerships, reminders and windows to close, store one inbox event each, and decide
  them (check-ins opened, questions to the outbox);
* an idle tick: the same three queries when nothing is due (most ticks are like that),

and prints the medians and the ratio between the largest and the smallest size. A ratio
near 1 means the cost does not grow with the number of partnerships.

PostgreSQL: everything happens in a schema of its own, `optafel_bench`, dropped and
created again for every size; nothing else in the database is touched.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.local.adapter import LocalAdapter
from bot.runtime import Runtime
from storage.database import create_engine_for, migrate
from storage.schema import MemberRow, PartnershipRow, RoundRow
from storage.unit_of_work import UnitOfWork

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SCHEMA = "optafel_bench"


def engine_for(url: str | None, size: int, workdir: Path) -> sa.Engine:
    if url is None:
        return create_engine_for(f"sqlite:///{workdir / f'bench-{size}.db'}")
    admin = create_engine_for(url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        connection.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
    admin.dispose()
    return create_engine_for(url, connect_args={"options": f"-csearch_path={SCHEMA}"})


def seed(engine: sa.Engine, size: int, due_percent: float) -> int:
    """Bulk-insert `size` partnerships; returns how many are due at NOW."""
    due_every = max(1, round(100 / due_percent))
    partnerships, rounds, members = [], [], []
    due = 0
    for n in range(1, size + 1):
        is_due = n % due_every == 0
        due += is_due
        next_at = (NOW - timedelta(minutes=n % 600) if is_due
                   else NOW + timedelta(minutes=1 + (n * 37) % (28 * 24 * 60)))
        partnerships.append({
            "id": n, "platform": "local", "channel_id": f"c{n}", "name": f"Table {n}",
            "language": "en", "timezone": "Europe/Amsterdam", "anonymous": False,
            "checkin_weeks": 4, "checkin_weekday": 0, "checkin_time": "09:00",
            "next_checkin_at": next_at, "created_at": NOW - timedelta(days=200),
        })
        history = [("interests", NOW - timedelta(days=120)),
                   ("checkin", NOW - timedelta(days=56)), ("checkin", NOW - timedelta(days=28))]
        for number, (kind, opened) in enumerate(history, start=1):
            rounds.append({
                "partnership_id": n, "number": number, "kind": kind, "status": "revealed",
                "opened_at": opened, "deadline": opened + timedelta(days=3),
                "closed_at": opened + timedelta(days=3), "token": f"t{n}-{number}",
                "remind_at": None,
            })
        if not is_due and n % 100 == 1:  # an open check-in, its reminder and close ahead
            rounds.append({
                "partnership_id": n, "number": 4, "kind": "checkin", "status": "open",
                "opened_at": NOW - timedelta(hours=1), "deadline": NOW + timedelta(days=3),
                "closed_at": None, "token": f"t{n}-4", "remind_at": NOW + timedelta(days=2),
            })
        if is_due:
            members += [{"partnership_id": n, "user_id": f"u{n}-{p}", "name": f"Partner {p}",
                         "organisation": None, "is_partner": True, "is_coordinator": p == 0,
                         "unreachable": False} for p in range(3)]
    with engine.begin() as connection:
        for table, rows in ((PartnershipRow, partnerships), (RoundRow, rounds),
                            (MemberRow, members)):
            for start in range(0, len(rows), 5000):
                connection.execute(sa.insert(table), rows[start:start + 5000])
        connection.exec_driver_sql("ANALYZE")  # fresh statistics for the planner
    return due


def time_due_query(engine: sa.Engine, batch: int, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        with UnitOfWork(engine) as uow:
            started = time.perf_counter()
            due = uow.due.checkins(NOW, batch, ("local",))
            timings.append(time.perf_counter() - started)
        assert len(due) == batch, f"only {len(due)} due: seed more"
    return statistics.median(timings)


async def time_ticks(runtime: Runtime, clock: list[datetime], now: datetime, repeat: int,
                     expect_opened: int) -> float:
    """A tick at `now` and the deciding of what it stored, `repeat` times."""
    scheduler = runtime.scheduler
    assert scheduler is not None
    clock[0] = now
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = await scheduler.tick()
        await runtime.inbox.work()
        timings.append(time.perf_counter() - started)
        assert result.opened == expect_opened, result
    return statistics.median(timings)


def run(url: str | None, sizes: list[int], due_percent: float, batch: int,
        repeat: int) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for size in sizes:
            engine = engine_for(url, size, Path(workdir))
            migrate(engine)
            started = time.perf_counter()
            due = seed(engine, size, due_percent)
            seeded = time.perf_counter() - started
            clock = [NOW]
            runtime = Runtime(engine, default_language="en", clock=lambda c=clock: c[0])
            runtime.add_adapter(LocalAdapter())
            runtime.add_scheduler(batch=batch)
            query = time_due_query(engine, batch, repeat * 4)
            idle = asyncio.run(time_ticks(runtime, clock, NOW - timedelta(days=1),
                                          repeat * 4, 0))
            tick = asyncio.run(time_ticks(runtime, clock, NOW, repeat, batch))
            rows.append((size, due, query, tick, idle))
            print(f"{size:>9,} partnerships ({due:,} due; seeded in {seeded:.1f} s): "
                  f"due query {query * 1000:7.2f} ms · tick ({batch} opened) "
                  f"{tick * 1000:8.2f} ms · idle tick {idle * 1000:7.2f} ms", flush=True)
            engine.dispose()
    (small, *_rest, large) = rows if len(rows) > 1 else (rows[0], rows[0])
    print(f"\nratio {large[0]:,} / {small[0]:,} partnerships "
          f"({large[0] / small[0]:,.0f}× as many):")
    print(f"  due query  {large[2] / small[2]:6.2f}×")
    print(f"  tick       {large[3] / small[3]:6.2f}×")
    print(f"  idle tick  {large[4] / small[4]:6.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL URL (uses a schema of its own); default: SQLite files")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--due-percent", type=float, default=5.0)
    parser.add_argument("--batch", type=int, default=10, help="partnerships per tick pass")
    parser.add_argument("--repeat", type=int, default=5, help="busy ticks timed per size")
    args = parser.parse_args()
    needed = args.batch * args.repeat
    smallest_due = int(min(args.sizes) * args.due_percent / 100)
    if smallest_due < needed:
        parser.error(f"the smallest size has {smallest_due} due; {needed} are needed "
                     "(batch × repeat)")
    run(args.database_url, args.sizes, args.due_percent, args.batch, args.repeat)


if __name__ == "__main__":
    main()

"""Two real bot processes against one PostgreSQL at the same due time.

Exactly one check-in per partnership, and one question per partner, whichever process
claims what. Skipped (with the reason) without TEST_DATABASE_URL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.local.adapter import LocalAdapter
from bot.local.session import LocalSession
from bot.runtime import Runtime
from conversations.model import RoundKind, RoundStatus
from storage.database import migrate
from storage.unit_of_work import UnitOfWork
from tests.conftest import engine_for
from tests.scenario.conftest import FakeClock

HELPER = Path(__file__).with_name("scheduler_process.py")
REPO = Path(__file__).resolve().parents[2]
PARTNERSHIPS = 24
DUE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Amsterdam


async def seed(url: str) -> list[int]:
    """Partnerships with two partners each, all due at DUE."""
    engine = engine_for(url)
    migrate(engine)
    runtime = Runtime(engine, default_language="en", clock=FakeClock(), drain_interval=3600)
    adapter = LocalAdapter()
    runtime.add_adapter(adapter)
    await runtime.start()
    for n in range(PARTNERSHIPS):
        s = LocalSession(runtime, adapter, channel_id=f"t{n}", channel_name=f"Table {n}")
        await s.command("Dewi", "/setup")
        await s.command("Dewi", f"/partners @Anna{n} @Bram{n}")
        await s.command("Dewi", "/checkin every 2 weeks monday 09:00")
    await runtime.stop()
    with UnitOfWork(engine) as uow:
        ids = [due.partnership_id for due in uow.due.checkins(DUE, 1000, ("local",))]
    engine.dispose()
    return ids


async def test_two_processes_open_each_check_in_once_and_ask_each_partner_once(postgresql_url):
    ids = await seed(postgresql_url)
    assert len(ids) == PARTNERSHIPS
    start = time.time() + 3  # both processes are up and migrated by then
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [
        subprocess.Popen([sys.executable, str(HELPER), postgresql_url, DUE.isoformat(),
                          str(start)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, cwd=REPO, env=env)
        for _ in range(2)
    ]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outputs.append([json.loads(line) for line in out.splitlines() if line.strip()])

    delivered = [m for output in outputs for m in output]
    questions = Counter(m["place"] for m in delivered
                        if m["place"].startswith("dm:") and "1/4 · The balance now" in m["text"])
    announcements = Counter(m["place"] for m in delivered
                            if "Check-in: does the balance still hold?" in m["text"])
    partners = {f"dm:anna{n}" for n in range(PARTNERSHIPS)} | {
        f"dm:bram{n}" for n in range(PARTNERSHIPS)}
    assert set(questions) == partners and set(questions.values()) == {1}
    assert len(announcements) == PARTNERSHIPS and set(announcements.values()) == {1}

    engine = engine_for(postgresql_url)
    try:
        with UnitOfWork(engine) as uow:
            for pid in ids:
                table = uow.tables.by_id(pid)
                checkin = table.latest(RoundKind.CHECKIN)
                assert checkin.number == 1 and checkin.status is RoundStatus.OPEN
                assert len(table.interviews_of(checkin)) == 2
                assert table.partnership.next_checkin_at > DUE
            assert uow.due.checkins(DUE, 10, ("local",)) == []
    finally:
        engine.dispose()
    # Both processes took part (small batches; the inbox's event ids keep them apart).
    print("delivered per process:", [len(o) for o in outputs])

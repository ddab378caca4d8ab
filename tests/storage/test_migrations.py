from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from storage.database import alembic_config, create_engine_for, migrate
from storage.inbox import RAW, Received
from storage.schema import Base
from storage.unit_of_work import UnitOfWork

TABLES = {"partnerships", "members", "rounds", "interviews", "inbox", "outbox", "agreements",
          "agreement_receivers"}
REPO = Path(__file__).resolve().parents[2]


def test_migrate_creates_every_table(engine: Engine) -> None:
    names = set(sa.inspect(engine).get_table_names())
    assert TABLES <= names
    with engine.connect() as connection:
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert connection.scalar(sa.text("SELECT version_num FROM alembic_version")) == head


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_indexes_for_the_scheduler_and_the_outbox(engine: Engine) -> None:
    inspector = sa.inspect(engine)
    partnership_indexes = {tuple(i["column_names"]) for i in inspector.get_indexes("partnerships")}
    assert ("next_checkin_at",) in partnership_indexes
    outbox_indexes = {tuple(i["column_names"]) for i in inspector.get_indexes("outbox")}
    assert ("next_attempt_at",) in outbox_indexes
    member_indexes = {tuple(i["column_names"]) for i in inspector.get_indexes("members")}
    assert ("user_id",) in member_indexes


def test_migrate_twice_is_harmless(engine: Engine, database_url: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO inbox (platform, event_id, kind, received_at, attempts) "
                "VALUES ('slack', 'E1', 'raw', '2025-01-01 00:00:00', 0)"
            )
        )
    migrate(engine)
    migrate(database_url)  # also by URL
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM inbox")) == 1
        assert connection.scalar(sa.text("SELECT count(*) FROM alembic_version")) == 1


def test_sqlite_engine_settings(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_developer_cli_uses_the_shipped_ini(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    alembic = Path(sys.executable).with_name("alembic")
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [str(alembic), "-c", str(REPO / "storage" / "alembic.ini"), "upgrade", "head"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    engine = create_engine_for(url)
    try:
        assert TABLES <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_processes_starting_at_once_migrate_once(database_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def run() -> None:
        try:
            barrier.wait()
            migrate(database_url)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    engine = create_engine_for(database_url)
    try:
        assert TABLES <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_existing_rounds_get_their_ordinal_per_kind(database_url: str) -> None:
    """Upgrading numbers the rounds of each kind on their own: round 1, check-in 1, round 2."""
    engine = create_engine_for(database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0004")
            connection.execute(sa.text(
                "INSERT INTO partnerships (id, platform, channel_id, name, language, timezone, "
                "anonymous, created_at) VALUES (1, 'local', 'c', 'T', 'nl', 'UTC', false, "
                "'2025-01-01 00:00:00')"))
            for number, kind in ((1, "interests"), (2, "checkin"), (3, "interests")):
                connection.execute(sa.text(
                    "INSERT INTO rounds (partnership_id, number, kind, status, opened_at, token) "
                    "VALUES (1, :n, :k, 'revealed', '2025-01-01 00:00:00', :t)"),
                    {"n": number, "k": kind, "t": f"t{number}"})
        migrate(engine)
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT number, ordinal FROM rounds ORDER BY number"))
            assert [tuple(r) for r in rows] == [(1, 1), (2, 1), (3, 2)]
    finally:
        engine.dispose()


def test_events_handled_before_the_inbox_stay_duplicates(database_url: str) -> None:
    """Upgrading to the inbox keeps the ids of events handled before: a late repeat of
    one of them is still recognised (and nothing is left to decide)."""
    engine = create_engine_for(database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0010")
            connection.execute(sa.text(
                "INSERT INTO processed_events (platform, event_id, processed_at) "
                "VALUES ('slack', 'Ev1', '2025-01-01 00:00:00')"))
        migrate(engine)
        assert "processed_events" not in sa.inspect(engine).get_table_names()
        with UnitOfWork(engine) as uow:
            repeat = Received("slack", "Ev1", RAW, {"text": "again"})
            assert uow.inbox.add(repeat, datetime.now(UTC)) is None
            assert uow.inbox.pending() == 0
    finally:
        engine.dispose()

"""Engines and migrations. Nothing here runs at import time."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExceptionContext

from storage.keyring import attach
from storage.turns import Turns

DEFAULT_URL = "sqlite:///optafel.db"
BUSY_TIMEOUT_SECONDS = 10  # SQLite: how long a transaction waits for the write lock

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_engine_for(url: str, answer_key: str | None = None, **kwargs: Any) -> Engine:
    """An engine for `url`; `answer_key` (OPTAFEL_ANSWER_KEY) seals the answers stored
    through it (without it: see `storage.keyring.attach`).

    SQLite: WAL journal, a 10 s busy timeout, foreign keys on, and every transaction
    starts with ``BEGIN IMMEDIATE`` so that writers are serialised (our stand-in for the
    row locks used on PostgreSQL). PostgreSQL: a plain engine with ``pool_pre_ping``.
    """
    sa_url = sa.make_url(url)
    # A failing statement's error (and its log line) must not quote the answer it carried.
    kwargs.setdefault("hide_parameters", True)
    if sa_url.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        engine = sa.create_engine(sa_url, **kwargs)
        attach(engine, answer_key)
        event.listen(engine, "handle_error", _first_line_only)
        return engine

    engine = sa.create_engine(sa_url, **kwargs)
    attach(engine, answer_key)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (not pysqlite) decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # The busy timeout first: switching a new file to WAL needs a lock that a
            # process migrating at the same moment may hold.
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
            if sa_url.database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Deleted rows (forgotten answers) are overwritten, not left in the file.
            cursor.execute("PRAGMA secure_delete=ON")
        finally:
            cursor.close()

    _take_turns(engine)
    return engine


_TURN = "optafel_turn"  # in a pooled connection's info: it holds its engine's turn
# Execution options: the transaction only reads (`UnitOfWork(engine, read_only=True)`), or
# a platform waits for it (`UnitOfWork(engine, urgent=True)`).
READ_ONLY = "optafel_read_only"
URGENT = "optafel_urgent"


def _take_turns(engine: Engine) -> None:
    """Every transaction of this process on this SQLite engine writes in its turn
    (`storage.turns`), so that none sleeps in SQLite's own wait for its lock (processes on
    the same file still do). The turn is given back when the connection returns to the
    pool: after its commit or rollback, also after an error. A turn that does not come
    within the busy timeout fails as SQLite's own wait would."""
    turns = Turns()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get(READ_ONLY):
            # Reads only: WAL lets it read beside the writer, without waiting its turn.
            connection.exec_driver_sql("BEGIN")
            return
        if not turns.take(urgent=bool(options.get(URGENT)), timeout=BUSY_TIMEOUT_SECONDS):
            raise sa.exc.OperationalError(
                "BEGIN IMMEDIATE", None,
                sqlite3.OperationalError("database is locked (this process's turn)"))
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            turns.give_back()
            raise
        connection.connection.info[_TURN] = True

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record.info.pop(_TURN, False):
            turns.give_back()


def _first_line_only(context: ExceptionContext) -> None:
    """PostgreSQL adds a DETAIL to errors that may quote the failing row (``Failing row
    contains (…)``: an answer); hide_parameters does not cover it. Keep the first line.

    The detail stays available to code as the DBAPI error's ``diag``.
    """
    original = context.original_exception
    text = str(original)
    first = text.split("\n", 1)[0]
    if first == text:
        return
    original.args = (first,)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None and wrapped.args:
        wrapped.args = (str(wrapped.args[0]).replace(text, first), *wrapped.args[1:])


def is_postgresql(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "postgresql"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration built in code, independent of the working directory."""
    config = Config(str(MIGRATIONS.parent / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(engine_or_url: Engine | str) -> None:
    """Bring the database schema to the newest revision (``alembic upgrade head``)."""
    if isinstance(engine_or_url, str):
        engine = create_engine_for(engine_or_url)
        try:
            _upgrade(engine)
        finally:
            engine.dispose()
    else:
        _upgrade(engine_or_url)


# An arbitrary constant: the key of the PostgreSQL advisory lock held while migrating.
_MIGRATION_LOCK = 7_303_811_202


def _upgrade(engine: Engine) -> None:
    """Migrate; on SQLite, a start that meets another process's lock tries again.

    SQLite does not always wait on its busy timeout (switching a new file to WAL, a lock
    taken between connect and BEGIN), so processes starting together retry a few times.
    """
    for attempt in range(5):
        try:
            return _upgrade_once(engine)
        except sa.exc.OperationalError as error:
            if is_postgresql(engine) or "locked" not in str(error.orig) or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def _upgrade_once(engine: Engine) -> None:
    with engine.begin() as connection:
        if is_postgresql(connection):
            # Several processes may start at once; let one migrate, the others wait.
            # (On SQLite the BEGIN IMMEDIATE of this transaction does the same.)
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
            )
        command.upgrade(alembic_config(connection), "head")

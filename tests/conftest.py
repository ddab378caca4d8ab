"""Shared fixtures: a migrated database on SQLite and, when configured, PostgreSQL.

PostgreSQL tests never touch the database that `TEST_DATABASE_URL` names: each test run
(each pytest-xdist worker of it) creates a database of its own on that server
(``optafel_test_<pid>_<random>``), resets only that one between tests, and drops it at
the end. Two runs at once, and the workers of one run, cannot collide.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storage.database import create_engine_for, migrate
from tests.own_database import own_database

TEST_DATABASE_URL = "TEST_DATABASE_URL"
_OWN_DATABASE_PREFIX = "optafel_test_"

# The answer key of the tests' PostgreSQL databases (SQLite files get a key file of their
# own). Through the environment it also reaches `Settings` and the processes tests start.
ANSWER_KEY = "dGVzdHMtb25seS1hbnN3ZXIta2V5LTMyLWJ5dGVzISE="
os.environ.setdefault("OPTAFEL_ANSWER_KEY", ANSWER_KEY)


def engine_for(url: str, **kwargs: object) -> Engine:
    """An engine as the tests use it: with the tests' answer key on PostgreSQL."""
    key = None if sa.make_url(url).get_backend_name() == "sqlite" else ANSWER_KEY
    return create_engine_for(url, answer_key=key, **kwargs)


@pytest.fixture(scope="session")
def postgresql_server_url() -> Iterator[str | None]:
    """A database of this run's own on the TEST_DATABASE_URL server (None when unset)."""
    url = os.environ.get(TEST_DATABASE_URL)
    if not url:
        yield None
        return
    with own_database(url, _OWN_DATABASE_PREFIX) as own:
        yield own


@contextmanager
def _in_own_database(url: str) -> Iterator[Connection]:
    """A transaction on this run's own PostgreSQL database (refuses any other)."""
    if not (sa.make_url(url).database or "").startswith(_OWN_DATABASE_PREFIX):
        raise RuntimeError("refusing to touch a database the tests did not create")
    engine = create_engine_for(url)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def _reset_postgresql(url: str) -> None:
    """Empty this run's own database."""
    with _in_own_database(url) as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")


def drop_connections(url: str) -> int:
    """End every other connection to this run's own PostgreSQL database, as a server
    restart or a failover does (refuses any other database); how many it ended."""
    with _in_own_database(url) as connection:
        return connection.scalar(sa.text(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))"
            " FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()")) or 0


@pytest.fixture
def postgresql_url(postgresql_server_url: str | None) -> str:
    """An empty PostgreSQL database of this run's own; skips where none is configured."""
    if postgresql_server_url is None:
        pytest.skip("TEST_DATABASE_URL is not set")
    _reset_postgresql(postgresql_server_url)
    return postgresql_server_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a SQLite file, or this run's own PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'optafel.db'}"
    return request.getfixturevalue("postgresql_url")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest revision."""
    engine = engine_for(database_url)
    migrate(engine)
    try:
        yield engine
    finally:
        engine.dispose()

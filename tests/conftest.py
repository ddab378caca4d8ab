"""Shared fixtures: a migrated database on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from storage.database import create_engine_for, migrate

TEST_DATABASE_URL = "TEST_DATABASE_URL"


def _reset_postgresql(url: str) -> None:
    engine = create_engine_for(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a SQLite file, or the reset TEST_DATABASE_URL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'optafel.db'}"
    url = os.environ.get(TEST_DATABASE_URL)
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set")
    _reset_postgresql(url)
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest revision."""
    engine = create_engine_for(database_url)
    migrate(engine)
    try:
        yield engine
    finally:
        engine.dispose()

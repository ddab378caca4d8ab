"""A PostgreSQL database of one run's own: created on the server, dropped afterwards.

The tests (`conftest.py`) and the benchmarks (`bench/common.py`) never touch the database
their URL names, nor any other: they work in one they created themselves.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from storage.database import create_engine_for


def _on_server(url: str, sql: str) -> None:
    """Run `sql` outside a transaction (CREATE/DROP DATABASE) on the server of `url`."""
    admin = create_engine_for(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(sql)
    finally:
        admin.dispose()


@contextmanager
def own_database(server_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new, empty database `<prefix><pid>_<random>` on the server of
    `server_url`; dropped (connections and all) when the block ends."""
    name = f"{prefix}{os.getpid()}_{secrets.token_hex(4)}"
    _on_server(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

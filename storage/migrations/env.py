"""Alembic environment.

Two ways in: `storage.database.migrate()` passes an open connection through
``config.attributes["connection"]``; the developer CLI (``alembic -c storage/alembic.ini``)
connects to ``DATABASE_URL`` or, failing that, ``sqlalchemy.url`` from the ini file.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from storage.database import create_engine_for
from storage.schema import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    engine = create_engine_for(url, os.environ.get("OPTAFEL_ANSWER_KEY"))
    try:
        with engine.begin() as connection:
            _configure(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()

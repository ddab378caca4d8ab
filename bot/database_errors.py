"""A wrong DATABASE_URL as one line that says what is wrong and what to do.

The CLI calls `check` before it starts anything, so a database that cannot be used stops
it with that line (and exit code 1) instead of a traceback. The password in the URL is never
shown: the URL is printed with it masked, and the driver's message is cleaned of it.
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from sqlalchemy import exc

from storage.database import create_engine_for

EXAMPLES = "sqlite:///optafel.db or postgresql+psycopg://user:password@host:5432/optafel"


def shown(url: str) -> str:
    """The URL as it may be printed: the password replaced by ***."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return "(not a database URL)"


def _password(url: str) -> str | None:
    try:
        return sa.make_url(url).password
    except exc.ArgumentError:
        return None


def _first_line(error: BaseException, url: str) -> str:
    """The driver's own reason, on one line, without the password."""
    reason = getattr(error, "orig", None) or error
    line = next((part.strip() for part in str(reason).splitlines() if part.strip()), "")
    password = _password(url)
    return line.replace(password, "***") if password else line


def explain(url: str, error: BaseException) -> str | None:
    """One line for a database that cannot be used, or None if `error` is something else."""
    if isinstance(error, exc.NoSuchModuleError):
        scheme = url.partition("://")[0]
        return (f"DATABASE_URL names a database type Op Tafel does not know ({scheme}). "
                f"Use SQLite or PostgreSQL, for example {EXAMPLES}.")
    if isinstance(error, exc.ArgumentError):
        return f"DATABASE_URL is not a database URL. Set it to one like {EXAMPLES}."
    if isinstance(error, ModuleNotFoundError):
        return (f"The database driver for {shown(url)} is not installed (Python module "
                f"{error.name}). Op Tafel works with SQLite and PostgreSQL; for PostgreSQL run "
                f"pip install 'optafel[postgres]' and write postgresql+psycopg://….")
    if isinstance(error, exc.OperationalError | exc.InterfaceError):
        where = shown(url)
        reason = _first_line(error, url)
        if sa.make_url(url).get_backend_name() == "sqlite":
            return (f"Cannot open the SQLite database {where} ({reason}). "
                    f"Check that its folder exists and can be written.")
        return (f"Cannot reach the database {where} ({reason}). "
                f"Check that it is running, and the host, port, user and password in "
                f"DATABASE_URL.")
    return None


def check(url: str) -> None:
    """Connect once; a database that cannot be used becomes a one-line `ClickException`."""
    try:
        engine = create_engine_for(url)
        try:
            with engine.connect():
                pass
        finally:
            engine.dispose()
    except (exc.SQLAlchemyError, ModuleNotFoundError) as error:
        message = explain(url, error)
        if message is None:
            raise
        raise click.ClickException(message) from None

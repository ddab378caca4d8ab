"""A failing SQL statement's log line never quotes the answer it carried."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.unit_of_work import UnitOfWork
from tests.log_capture import logged
from tests.storage.helpers import a_table

MARKER = "Marker-Org-Nobody-May-Read-5521"


def _refuse_the_marker(engine: Engine) -> None:
    """Make the database refuse a member row holding MARKER, as a real failure would."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "ALTER TABLE members ADD CONSTRAINT no_marker "
                f"CHECK (organisation IS DISTINCT FROM '{MARKER}')")
        else:
            connection.exec_driver_sql(
                "CREATE TRIGGER no_marker BEFORE INSERT ON members "
                f"WHEN NEW.organisation = '{MARKER}' BEGIN SELECT RAISE(ABORT, 'refused'); END")


def test_a_failing_statement_is_logged_without_its_values(
        engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    _refuse_the_marker(engine)
    table = a_table()
    member = replace(table.members[1], organisation=MARKER)
    table = replace(table, members=(table.members[0], member, *table.members[2:]))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(sa.exc.DBAPIError) as failure, UnitOfWork(engine) as uow:
        try:
            uow.tables.save(table)
        except sa.exc.DBAPIError:
            # As every handler of ours logs a failure: the message and the traceback.
            logging.getLogger("optafel").exception("handling an event failed")
            raise
    text = logged(caplog)
    assert "INSERT INTO members" in text  # the statement is there, to debug with
    assert MARKER not in text and MARKER not in str(failure.value)

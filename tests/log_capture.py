"""What the logs said during a test, at every level, as a handler would write it."""

from __future__ import annotations

import logging

import pytest


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record, formatted with its traceback, as one text to search."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)

"""Fixtures for the crash tests: the fakes on 127.0.0.1 and `optafel run` processes that
are always killed at the end, whatever the test did."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crash.bot_process import Bots
from tests.slack.conftest import slack_api  # noqa: F401  (the fake Slack Web API)
from tests.telegram.conftest import fake, loopback_only  # noqa: F401  (fake Bot API, no proxies)


@pytest.fixture
def bots(tmp_path: Path, database_url: str) -> Iterator[Bots]:
    """Start `optafel run` with `await bots.start(**settings)`; all killed at teardown."""
    started = Bots(tmp_path, database_url)
    try:
        yield started
    finally:
        started.kill_all()
        print(started.output())  # shown by pytest when the test failed

"""Fixtures for the Telegram tests: a fake Bot API on loopback, and no proxies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.world import World

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                   "all_proxy")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx and aiohttp honour proxy variables; a loopback test must not inherit one.
    PTB_TIMEDELTA: PTB 22's new (non-deprecated) time behaviour."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def world(fake: FakeTelegram, database_url: str) -> AsyncIterator[World]:
    """Our app, started as `optafel run` starts it, long polling the fake."""
    started = await World.start(fake, database_url)
    try:
        yield started
    finally:
        await started.stop()


@pytest.fixture
async def webhook_world(fake: FakeTelegram, database_url: str) -> AsyncIterator[World]:
    """Our app in webhook mode: the fake POSTs updates to /telegram/webhook."""
    started = await World.start(fake, database_url, webhook=True)
    try:
        yield started
    finally:
        await started.stop()

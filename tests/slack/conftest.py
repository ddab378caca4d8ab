"""Fixtures for the Slack tests: a fake Slack Web API on loopback, and no proxies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.slack_api import FakeSlackApi
from tests.slack.workspace import CHANNEL_ID, CHANNEL_NAME, Workspace

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                   "all_proxy")


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk honours proxy variables; a loopback test must not inherit one."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    fake = FakeSlackApi()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def workspace_settings() -> dict[str, object]:
    """Settings on top of the workspace's own; a test module may override this fixture."""
    return {}


@pytest.fixture
async def workspace(slack_api: FakeSlackApi, database_url: str, monkeypatch: pytest.MonkeyPatch,
                    workspace_settings: dict[str, object]) -> AsyncIterator[Workspace]:
    """Our app, started as `optafel run` starts it, in HTTP mode against the fake."""
    for name in ("SLACK_APP_TOKEN", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    slack_api.add_channel(CHANNEL_ID, CHANNEL_NAME, [])
    ws = await Workspace.start(slack_api, database_url, **workspace_settings)
    try:
        yield ws
    finally:
        await ws.stop()

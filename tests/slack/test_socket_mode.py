"""Socket Mode: with SLACK_APP_TOKEN set, the app connects out and no HTTP route is open."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.bootstrap import build_service
from bot.config import Settings
from bot.http import HttpListener
from bot.runtime import Runtime
from bot.slack.adapter import SlackAdapter
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN, FakeSlackApi
from tests.fakes.slack_requests import SlackRequests
from tests.slack.workspace import CHANNEL_ID, CHANNEL_NAME, section_text
from tests.waiting import eventually


@pytest.fixture
async def socket_app(slack_api: FakeSlackApi, database_url: str,
                     monkeypatch: pytest.MonkeyPatch,
                     ) -> AsyncIterator[tuple[Runtime, HttpListener]]:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    settings = Settings(_env_file=None, database_url=database_url, optafel_language="en",
                        optafel_port=0, slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN,
                        slack_api_url=slack_api.base_url)
    service = build_service(settings, drain_interval=0.05)
    await service.start()
    try:
        yield service.runtime, service.listener
    finally:
        await service.stop()


async def test_socket_mode_runs_commands_and_events(
        socket_app: tuple[Runtime, HttpListener], slack_api: FakeSlackApi) -> None:
    runtime, listener = socket_app
    adapter = runtime.adapters["slack"]
    assert isinstance(adapter, SlackAdapter) and adapter.mode == "socket"
    slack_api.add_user("U0ANNA", "anna")
    slack_api.add_channel(CHANNEL_ID, CHANNEL_NAME, ["U0ANNA"])
    await eventually(lambda: slack_api.sockets)
    make = SlackRequests("unused")
    fields = make.command_fields("setup", user_id="U0ANNA", user_name="anna",
                                 channel_id=CHANNEL_ID, channel_name=CHANNEL_NAME)
    envelope = await slack_api.send_envelope("slash_commands", fields)
    await eventually(lambda: envelope in slack_api.socket_acks)  # acknowledged
    await eventually(lambda: slack_api.in_channel(CHANNEL_ID))
    assert "ready in samen-sterk" in section_text(slack_api.in_channel(CHANNEL_ID)[0])

    event = make.event_envelope(make.im_message(user_id="U0ANNA", channel_id="DU0ANNA",
                                                text="hello"))
    await slack_api.send_envelope("events_api", event)
    await eventually(lambda: slack_api.dms_to("U0ANNA"))
    assert "no open questions" in section_text(slack_api.dms_to("U0ANNA")[0])

    # No HTTP route for Slack in Socket Mode: nothing to sign, nothing to forge.
    async with aiohttp.ClientSession(trust_env=False) as session:
        url = f"http://127.0.0.1:{listener.port}/slack/events"
        async with session.post(url, data=b"{}") as response:
            assert response.status in (404, 405)

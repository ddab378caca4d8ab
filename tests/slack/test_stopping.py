"""Stopping takes no new requests first: while the sends under way get their grace, a
request over HTTP is answered 503 (Slack sends it again) and Socket Mode disconnects;
what was acknowledged before is answered, and the next run answers the rest once."""

from __future__ import annotations

import asyncio

import pytest

from bot.bootstrap import Service, build_service
from bot.config import Settings
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN, FakeSlackApi
from tests.fakes.slack_requests import SlackRequests
from tests.slack.workspace import CHANNEL_ID, CHANNEL_NAME, Workspace, ack_text, section_text
from tests.waiting import eventually

STATUS = "There is no open round"
HELP = "commands for this channel"
BEGUN = 0.5  # enough for stopping to have begun: the send below waits 3 seconds


def _shown(api: FakeSlackApi, text: str) -> int:
    """How many notices with `text` Dewi was shown in the channel."""
    return sum(text in section_text(e) for e in api.ephemerals_to("U0DEWI", CHANNEL_ID))


def _waiting_out_a_rate_limit(api: FakeSlackApi) -> bool:
    return any(c.status == 429 for c in api.calls_to("chat.postEphemeral"))


@pytest.fixture(autouse=True)
def slack_only(monkeypatch: pytest.MonkeyPatch, slack_api: FakeSlackApi) -> None:
    for name in ("SLACK_APP_TOKEN", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    slack_api.add_channel(CHANNEL_ID, CHANNEL_NAME, [])


async def test_a_request_once_stopping_began_gets_503_and_is_answered_after_the_restart(
        slack_api: FakeSlackApi, database_url: str) -> None:
    ws = await Workspace.start(slack_api, database_url)
    dewi = ws.user("U0DEWI", "dewi")
    await dewi.command("setup")
    # The answer to `status` waits out a 3-second rate limit: within the stop's grace.
    slack_api.rate_limit_next("chat.postEphemeral", retry_after=3, channel=CHANNEL_ID)
    assert (await dewi.command("status", settle=False)).status == 200
    await eventually(lambda: _waiting_out_a_rate_limit(slack_api))
    stopping = asyncio.create_task(Service(ws.runtime, ws.listener).stop())
    await asyncio.sleep(BEGUN)

    late = await dewi.command("help", settle=False)
    assert late.status == 503  # not acknowledged: Slack sends it again
    assert _shown(slack_api, STATUS) == 0  # the status was still on its way
    await stopping
    await ws.requests.close()
    assert _shown(slack_api, STATUS) == 1  # acknowledged before: answered in the grace

    again = await Workspace.start(slack_api, database_url)
    try:
        resent = await again.user("U0DEWI", "dewi").command("help")
        assert resent.status == 200 and HELP in ack_text(resent)  # answered in the ack
        assert _shown(slack_api, STATUS) == 1
    finally:
        await again.stop()


async def test_socket_mode_disconnects_once_stopping_began(
        slack_api: FakeSlackApi, database_url: str) -> None:
    settings = Settings(_env_file=None, database_url=database_url, optafel_language="en",
                        optafel_port=0, slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN,
                        slack_api_url=slack_api.base_url)
    service = build_service(settings, drain_interval=0.05)
    await service.start()
    slack_api.add_user("U0DEWI", "dewi")
    slack_api.channels[CHANNEL_ID].members.append("U0DEWI")
    await eventually(lambda: slack_api.sockets)
    make = SlackRequests("unused")

    async def command(text: str) -> None:
        envelope = await slack_api.send_envelope("slash_commands", make.command_fields(
            text, user_id="U0DEWI", user_name="dewi", channel_id=CHANNEL_ID,
            channel_name=CHANNEL_NAME))
        await eventually(lambda: envelope in slack_api.socket_acks)

    await command("setup")
    await eventually(lambda: slack_api.in_channel(CHANNEL_ID))
    slack_api.rate_limit_next("chat.postEphemeral", retry_after=3, channel=CHANNEL_ID)
    await command("status")
    await eventually(lambda: _waiting_out_a_rate_limit(slack_api))
    stopping = asyncio.create_task(service.stop())

    await eventually(lambda: not slack_api.sockets)  # Slack can hand us nothing more
    assert _shown(slack_api, STATUS) == 0  # while the status still waits out its limit
    await stopping
    assert _shown(slack_api, STATUS) == 1

"""The fake answers the real slack_sdk client the way Slack does."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import BOT_TOKEN, BOT_USER_ID, FakeSlackApi


def client(fake: FakeSlackApi, token: str = BOT_TOKEN) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=fake.base_url,
                          retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)])


async def test_auth_and_members_with_pagination(slack_api: FakeSlackApi) -> None:
    slack_api.add_user("U1", "anna")
    slack_api.add_user("U2", "bert")
    slack_api.add_user("U3", "carla")
    slack_api.add_channel("C1", "partners", ["U1", "U2", "U3"])
    web = client(slack_api)
    auth = await web.auth_test()
    assert auth["user_id"] == BOT_USER_ID and auth["bot_id"] and auth["team_id"]
    members: list[str] = []
    cursor = None
    while True:
        page = await web.conversations_members(channel="C1", cursor=cursor)
        members += page["members"]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert members == ["U1", "U2", "U3", BOT_USER_ID]
    info = await web.users_info(user=BOT_USER_ID)
    assert info["user"]["is_bot"] is True
    with pytest.raises(SlackApiError) as failed:
        await client(slack_api, "xoxb-wrong").auth_test()
    assert failed.value.response["error"] == "invalid_auth"


async def test_messages_errors_and_rate_limits(slack_api: FakeSlackApi) -> None:
    slack_api.add_user("U1", "anna")
    web = client(slack_api)
    channel = (await web.conversations_open(users="U1"))["channel"]["id"]
    slack_api.rate_limit_next("chat.postMessage", retry_after=1)
    posted = await web.chat_postMessage(channel=channel, text="hi",
                                        blocks=[{"type": "section",
                                                 "text": {"type": "mrkdwn", "text": "hi"}}])
    first, second = slack_api.calls_to("chat.postMessage")
    assert first.status == 429 and second.ok and second.at - first.at >= 1
    await web.chat_update(channel=channel, ts=posted["ts"], text="bye", blocks=[])
    assert slack_api.dms_to("U1")[0].text == "bye"
    slack_api.fail_next("chat.postMessage", "channel_not_found")
    with pytest.raises(SlackApiError) as failed:
        await web.chat_postMessage(channel=channel, text="hi")
    assert failed.value.response["error"] == "channel_not_found"
    too_many = [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}] * 51
    with pytest.raises(SlackApiError) as failed:
        await web.chat_postMessage(channel=channel, text="x", blocks=too_many)
    assert failed.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError) as failed:
        await web.conversations_open(users=BOT_USER_ID)
    assert failed.value.response["error"] == "cannot_dm_bot"


async def test_file_upload_v2(slack_api: FakeSlackApi) -> None:
    slack_api.add_channel("C1", "partners", [])
    web = client(slack_api)
    await web.files_upload_v2(channel="C1", content=b"\x89PNG...", filename="trend.png",
                              title="Trend")
    [stored] = slack_api.files.values()
    assert stored["data"] == b"\x89PNG..." and stored["channel"] == "C1"
    assert stored["title"] == "Trend"

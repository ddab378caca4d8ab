"""Two `optafel run` processes on one PostgreSQL database, sending slowly: one message
is held in a rate-limit wait longer than a lease (the SDK waits inside the call) while the
other process delivers the rest. Every message arrives once, in its place's order."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.crash.bot_process import Bots, until
from tests.crash.slack_round import COORDINATOR, partners_at_question_2, start_http
from tests.fakes.slack_api import FakeSlackApi
from tests.slack.workspace import CHANNEL_ID, CHANNEL_NAME, section_text

WAIT = 90.0
PARTNERS = 6
LONGER_THAN_A_LEASE = 20  # seconds; a lease is 15 and is renewed while the send goes on


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_processes_with_a_long_rate_limit_wait_send_every_message_once(
        slack_api: FakeSlackApi, bots: Bots, database_url: str) -> None:
    partners = await partners_at_question_2(slack_api, database_url, PARTNERS)
    _, slack = await start_http(bots, slack_api)
    await start_http(bots, slack_api)
    slack_api.rate_limit_next("chat.postMessage", retry_after=LONGER_THAN_A_LEASE)
    before = len(slack_api.messages)
    await slack.command("remind", user_id=COORDINATOR[0], user_name=COORDINATOR[1],
                        channel_id=CHANNEL_ID, channel_name=CHANNEL_NAME)
    await slack.close()

    def reminded() -> Counter[str]:
        return Counter(m.channel for m in slack_api.messages[before:])

    expected = {CHANNEL_ID, *(slack_api.im_of(p) for p in partners)}
    await until(lambda: set(reminded()) == expected, WAIT)
    await bots.delivered(WAIT)
    assert reminded() == Counter(expected), [
        (m.channel, section_text(m)) for m in slack_api.messages[before:]]
    assert all(bot.alive for bot in bots.started)

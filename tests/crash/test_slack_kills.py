"""`optafel run` in Slack's HTTP mode, killed with SIGKILL during a rate-limit wait (the
SDK waits out `Retry-After` inside the call) or right after Slack accepted a post, then
started again: every message arrives once."""

from __future__ import annotations

from tests.crash.bot_process import Bots
from tests.crash.slack_round import COORDINATOR, partners_at_question_2, start_http
from tests.fakes.slack_api import FakeSlackApi
from tests.slack.workspace import CHANNEL_ID, CHANNEL_NAME, section_text
from tests.waiting import eventually

WAIT = 60.0


async def test_killed_while_waiting_out_a_429_every_message_arrives_once(
        slack_api: FakeSlackApi, bots: Bots, database_url: str) -> None:
    [partner] = await partners_at_question_2(slack_api, database_url, 1)
    bot, slack = await start_http(bots, slack_api)
    slack_api.rate_limit_next("chat.postMessage", retry_after=30)
    slack_api.hooks.on("answered", lambda c: c.method == "chat.postMessage" and c.status == 429,
                       bot.kill)
    before = len(slack_api.messages)
    await slack.command("remind", user_id=COORDINATOR[0], user_name=COORDINATOR[1],
                        channel_id=CHANNEL_ID, channel_name=CHANNEL_NAME)
    await eventually(lambda: not bot.alive, WAIT)
    await slack.close()
    # The limited destination got nothing; the other one may have gone on meanwhile.
    assert len(slack_api.messages) <= before + 1

    await start_http(bots, slack_api)
    await eventually(lambda: slack_api.in_channel(CHANNEL_ID)[-1:] and
                     "remind" in section_text(slack_api.dms_to(partner)[-1]), WAIT)
    await bots.delivered()
    posted = [(m.channel, section_text(m)) for m in slack_api.messages[before:]]
    assert len(posted) == 2 and len(set(posted)) == 2, posted


async def test_killed_right_after_slack_accepted_a_post_it_is_not_posted_again(
        slack_api: FakeSlackApi, bots: Bots, database_url: str) -> None:
    [partner] = await partners_at_question_2(slack_api, database_url, 1)
    bot, slack = await start_http(bots, slack_api)
    # Slack posted it and answered ok; the process dies before it could record that.
    slack_api.hooks.on("answered", lambda c: c.method == "chat.postMessage" and c.status == 200,
                       bot.kill)
    before = len(slack_api.messages)
    await slack.command("remind", user_id=COORDINATOR[0], user_name=COORDINATOR[1],
                        channel_id=CHANNEL_ID, channel_name=CHANNEL_NAME)
    await eventually(lambda: not bot.alive, WAIT)
    await slack.close()
    assert len(slack_api.messages) > before  # it was in Slack before the kill

    await start_http(bots, slack_api)
    await eventually(lambda: slack_api.in_channel(CHANNEL_ID)[-1:] and
                     "remind" in section_text(slack_api.dms_to(partner)[-1]), WAIT)
    await bots.delivered()
    # The message found in the history (by its metadata) was not posted a second time.
    posted = [(m.channel, section_text(m)) for m in slack_api.messages[before:]]
    assert len(posted) == 2 and len(set(posted)) == 2, posted

"""`optafel run` in Slack's HTTP mode, killed with SIGKILL during a rate-limit wait (the
SDK waits out `Retry-After` inside the call) or right after Slack accepted a post, then
started again: every message arrives once."""

from __future__ import annotations

from collections.abc import Callable

from tests.crash.bot_process import Bots
from tests.crash.slack_round import COORDINATOR, partners_at_question_2, start_http
from tests.fakes.slack_api import Call, FakeSlackApi
from tests.slack.workspace import CHANNEL_ID, CHANNEL_NAME, section_text
from tests.waiting import eventually

WAIT = 60.0


async def remind_killed_when(slack_api: FakeSlackApi, bots: Bots, database_url: str,
                             answered: Callable[[Call], bool],
                             prepare: Callable[[], None] = lambda: None) -> tuple[int, int]:
    """One partner at question 2; `prepare()`, then the coordinator sends `remind` (a post
    in the channel and one in the partner's DM), and the process is killed when Slack has
    `answered` a call. It starts again and delivers; returns how many messages there were
    before the command and at the kill."""
    [partner] = await partners_at_question_2(slack_api, database_url, 1)
    bot, slack = await start_http(bots, slack_api)
    prepare()
    slack_api.hooks.on("answered", answered, bot.kill)
    before = len(slack_api.messages)
    await slack.command("remind", user_id=COORDINATOR[0], user_name=COORDINATOR[1],
                        channel_id=CHANNEL_ID, channel_name=CHANNEL_NAME)
    await eventually(lambda: not bot.alive, WAIT)
    await slack.close()
    killed_at = len(slack_api.messages)
    await start_http(bots, slack_api)
    await eventually(lambda: slack_api.in_channel(CHANNEL_ID)[-1:] and
                     "remind" in section_text(slack_api.dms_to(partner)[-1]), WAIT)
    await bots.delivered()
    return before, killed_at


def assert_both_posted_once(slack_api: FakeSlackApi, before: int) -> None:
    posted = [(m.channel, section_text(m)) for m in slack_api.messages[before:]]
    assert len(posted) == 2 and len(set(posted)) == 2, posted


async def test_killed_while_waiting_out_a_429_every_message_arrives_once(
        slack_api: FakeSlackApi, bots: Bots, database_url: str) -> None:
    before, killed_at = await remind_killed_when(
        slack_api, bots, database_url,
        lambda c: c.method == "chat.postMessage" and c.status == 429,
        lambda: slack_api.rate_limit_next("chat.postMessage", retry_after=30))
    # The limited destination got nothing; the other one may have gone on meanwhile.
    assert killed_at <= before + 1
    assert_both_posted_once(slack_api, before)


async def test_killed_right_after_slack_accepted_a_post_it_is_not_posted_again(
        slack_api: FakeSlackApi, bots: Bots, database_url: str) -> None:
    # Slack posted it and answered ok; the process dies before it could record that.
    before, killed_at = await remind_killed_when(
        slack_api, bots, database_url,
        lambda c: c.method == "chat.postMessage" and c.status == 200)
    assert killed_at > before  # it was in Slack before the kill
    # The message found in the history (by its metadata) was not posted a second time.
    assert_both_posted_once(slack_api, before)

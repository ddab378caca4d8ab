"""`optafel run` in Slack's HTTP mode, killed with SIGKILL right after Slack heard "got it"
(the 200 to its requests), then started again: every answer acknowledged is recorded
once."""

from __future__ import annotations

from tests.crash.bot_process import Bots, until
from tests.crash.slack_round import asked, partners_at_question_2, start_http
from tests.fakes.slack_api import FakeSlackApi

WAIT = 60.0
PARTNERS = 8


async def test_killed_after_acknowledging_eight_answers_each_is_recorded_once(
        slack_api: FakeSlackApi, bots: Bots, database_url: str) -> None:
    partners = await partners_at_question_2(slack_api, database_url, PARTNERS)
    bot, slack = await start_http(bots, slack_api)
    for uid in partners:  # each types their organisation; Slack gets 200 for each
        reply = await slack.event(slack.im_message(user_id=uid, channel_id=slack_api.im_of(uid),
                                                   text=f"Organisation of {uid}"))
        assert reply.status == 200
    bot.kill()
    await slack.close()

    await start_http(bots, slack_api)
    await until(lambda: all(asked(slack_api, uid, "3/11") for uid in partners), WAIT)
    await bots.delivered()
    # Each answer was recorded: the next question came (a question the platform accepted
    # just before the kill can come twice: the outbound window README names) ...
    assert all(asked(slack_api, uid, "3/11") >= 1 for uid in partners)
    # ... and only once: a second decision would have taken it as the answer to question 3.
    assert not any(asked(slack_api, uid, "4/11") for uid in partners)

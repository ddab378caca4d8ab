"""`optafel run` on Slack, killed with SIGKILL right after Slack heard "got it" (the 200 to
its requests in HTTP mode, the envelope's ack in Socket Mode), then started again: every
answer acknowledged is recorded once, and the next question is asked once."""

from __future__ import annotations

from tests.crash.bot_process import Bots, until
from tests.crash.recorded import assert_each_answer_recorded_once
from tests.crash.slack_round import asked, partners_at_question_2, start_http
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN, FakeSlackApi
from tests.fakes.slack_requests import SlackRequests

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
    assert_each_answer_recorded_once(lambda uid, step: asked(slack_api, uid, step), partners,
                                     resent=False)


async def test_killed_after_acknowledging_eight_answers_in_socket_mode_each_is_recorded_once(
        slack_api: FakeSlackApi, bots: Bots, database_url: str) -> None:
    partners = await partners_at_question_2(slack_api, database_url, PARTNERS)

    async def start_socket_mode() -> None:
        connected = len(slack_api.calls_to("apps.connections.open"))
        await bots.start(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN,
                         SLACK_API_URL=slack_api.base_url)
        await until(lambda: len(slack_api.calls_to("apps.connections.open")) > connected
                    and slack_api.sockets, WAIT)

    await start_socket_mode()
    bot = bots.started[-1]
    make = SlackRequests("unused: Socket Mode")
    envelopes = [await slack_api.send_envelope("events_api", make.event_envelope(
        make.im_message(user_id=uid, channel_id=slack_api.im_of(uid),
                        text=f"Organisation of {uid}"))) for uid in partners]
    await until(lambda: all(e in slack_api.socket_acks for e in envelopes), WAIT)
    assert all(e in slack_api.socket_acks for e in envelopes)
    bot.kill()

    await start_socket_mode()
    await until(lambda: all(asked(slack_api, uid, "3/11") for uid in partners), WAIT)
    await bots.delivered()
    assert_each_answer_recorded_once(lambda uid, step: asked(slack_api, uid, step), partners,
                                     resent=False)

"""A Slack workspace with partners in the middle of a round, set up before `optafel run`
(HTTP mode) takes over: our app runs in this process for the set-up (as
`tests.slack.workspace` does), on the same database and fake Web API, then stops."""

from __future__ import annotations

from tests.crash.bot_process import BotProcess, Bots
from tests.fakes.slack_api import BOT_TOKEN, FakeSlackApi
from tests.fakes.slack_requests import SIGNING_SECRET, SlackRequests
from tests.slack.workspace import CHANNEL_ID, CHANNEL_NAME, Workspace, section_text

COORDINATOR = ("U0ANNA", "anna")


def partner_ids(n: int) -> list[str]:
    return [f"U0P{i:02d}" for i in range(n)]


async def partners_at_question_2(api: FakeSlackApi, database_url: str, n: int) -> list[str]:
    """Anna opened a round for `n` partners; each pressed "Let's start" and was asked
    question 2 (their organisation). Returns the partners' user ids."""
    api.add_channel(CHANNEL_ID, CHANNEL_NAME, [])
    ws = await Workspace.start(api, database_url)
    try:
        anna = ws.user(*COORDINATOR)
        people = [ws.user(uid, uid.lower()) for uid in partner_ids(n)]
        await anna.command("setup")
        await anna.command("partners " + " ".join(f"<@{p.user_id}>" for p in people))
        await anna.command("round")
        for person in people:
            await person.press("Let's start")
            assert "2/11" in section_text(person.last_dm())
    finally:
        await ws.stop()
    return [p.user_id for p in people]


async def start_http(bots: Bots, api: FakeSlackApi) -> tuple[BotProcess, SlackRequests]:
    """`optafel run` in Slack's HTTP mode, and what Slack would post to it."""
    bot = await bots.start(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                           SLACK_API_URL=api.base_url)
    return bot, SlackRequests(f"{bot.url}/slack/events")


def asked(api: FakeSlackApi, user_id: str, step: str) -> int:
    """How many times the partner's DM shows question `step` ("3/11")."""
    return sum(1 for m in api.dms_to(user_id) if step in section_text(m))

"""A check-in through the real Slack and Telegram adapters, against their fake APIs:
DMs, sealing, the aggregate in the channel, and the picture arriving as a PNG."""

from __future__ import annotations

from tests.fakes.telegram_updates import TgUser
from tests.slack.conftest import (  # noqa: F401 (fixtures)
    no_proxy,
    slack_api,
    workspace,
    workspace_settings,
)
from tests.slack.workspace import CHANNEL_ID, Workspace, section_text
from tests.telegram.conftest import fake, loopback_only, world  # noqa: F401 (fixtures)
from tests.telegram.world import World
from tests.waiting import eventually


async def test_a_check_in_through_slack(workspace: Workspace) -> None:  # noqa: F811
    api = workspace.api
    anna = workspace.user("U0ANNA", "anna")
    bert = workspace.user("U0BERT", "bert")
    await anna.command("setup")
    await anna.command("partners <@U0ANNA|anna> <@U0BERT|bert>")  # the coordinator takes part
    await anna.command("checkin every 2 weeks monday 09:00")
    assert "every 2 weeks on Monday at 09:00 (Europe/Amsterdam)" in workspace.channel_text()
    await anna.command("checkin now")
    for person in (anna, bert):
        assert "Check-in — samen-sterk" in section_text(person.last_dm())
    for person, balance, delivers, changed in (
        (anna, "I get a bit more", "Yes", "New partners joined"),
        (bert, "I bring much more", "No", "We lost a grant"),
    ):
        await person.press(balance)
        await person.press(delivers)
        await person.press("Yes")  # their own people still value it
        await person.say(changed)
        await person.press("Seal my answers")

    # The last seal closes the check-in: the result and the picture follow by themselves.
    uploaded = await eventually(lambda: [f for f in api.files.values()
                                         if f.get("channel") == CHANNEL_ID])
    await workspace.settle()
    text = workspace.channel_text()
    assert "Check-in 1 — samen-sterk: does the balance still hold?" in text
    assert "We lost a grant" in text and "Watch the balance" in text
    [picture] = uploaded
    assert picture["data"].startswith(b"\x89PNG\r\n\x1a\n")
    assert picture["title"] == "Balance over time — samen-sterk"


async def test_a_check_in_through_telegram(world: World) -> None:  # noqa: F811
    coordinator = world.member(TgUser(501, "Dewi"))
    anna = world.member(TgUser(502, "Anna"))
    await coordinator.in_group("/setup")
    opened = await coordinator.in_group("/round")
    token = next(b["url"] for row in opened.reply_markup["inline_keyboard"]
                 for b in row if "url" in b).rsplit("start=", 1)[1]
    await anna.start(token)  # joins as a partner through the deep link
    await coordinator.in_group("/cancel")
    await coordinator.in_group("/checkin now")
    await world.fake.wait_for(lambda: "Check-in — Samen Sterk" in anna.last().text, 10,
                              "the check-in question")
    await anna.press("I bring a bit more")
    await anna.press("I have doubts")
    await anna.press("Not sure")  # their own people
    await anna.say("Less time than hoped")
    await anna.toggle("Seal my answers")
    await world.fake.wait_for(lambda: any(m.photo for m in world.group()), 20, "the picture")
    [photo] = [m for m in world.group() if m.photo]
    assert photo.photo.startswith(b"\x89PNG\r\n\x1a\n")
    assert "Check-in 1 — Samen Sterk" in world.group_text()
    assert "Less time than hoped" in world.group_text()

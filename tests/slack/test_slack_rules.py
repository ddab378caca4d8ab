"""Signatures, duplicates, refusals, rate limits, escaping and limits, as users notice them."""

from __future__ import annotations

import time

from tests.fakes.slack_api import validate_blocks
from tests.slack.workspace import (
    CHANNEL_ID,
    SlackUser,
    Workspace,
    elements,
    section_text,
    walk,
)
from tests.waiting import eventually


async def _partnership(ws: Workspace) -> tuple[SlackUser, SlackUser, SlackUser]:
    anna = ws.user("U0ANNA", "anna")
    bert = ws.user("U0BERT", "bert")
    carla = ws.user("U0CARLA", "carla")
    await anna.command("setup")
    await anna.command("partners <@U0ANNA|anna> <@U0BERT|bert> <@U0CARLA>")
    assert "The partners: anna, bert and carla." in ws.channel_text()
    return anna, bert, carla


async def test_bad_or_stale_signatures_get_401_and_do_nothing(workspace: Workspace) -> None:
    anna = workspace.user("U0ANNA", "anna")
    wrong = await anna.command("setup", secret="not-the-signing-secret")
    stale = await anna.command("setup", timestamp=str(int(time.time()) - 6 * 60))
    unsigned = await anna.command("setup", signed=False)
    assert [wrong.status, stale.status, unsigned.status] == [401, 401, 401]
    event = workspace.requests.im_message(user_id="U0ANNA", channel_id=anna.im, text="hi")
    forged = await workspace.requests.event(event, secret="forged")
    assert forged.status == 401
    await workspace.settle()
    assert workspace.api.calls_to("chat.postMessage") == []
    assert workspace.api.calls_to("chat.postEphemeral") == []
    await anna.command("setup")  # the real thing still works
    assert "ready in samen-sterk" in workspace.channel_text()


async def test_a_retried_event_has_effect_once(workspace: Workspace) -> None:
    anna, _, _ = await _partnership(workspace)
    await anna.command("round")
    await anna.press("Let's start")
    event = workspace.requests.im_message(user_id="U0ANNA", channel_id=anna.im,
                                          text="Gemeente Utrecht")
    first = await workspace.requests.event(event, event_id="Ev0RETRIED")
    again = await workspace.requests.event(event, event_id="Ev0RETRIED", retry_num=1)
    third = await workspace.requests.event(event, event_id="Ev0RETRIED", retry_num=2)
    assert [first.status, again.status, third.status] == [200, 200, 200]
    await workspace.settle()
    asked = [m for m in anna.dms() if "3/11" in section_text(m)]
    assert len(asked) == 1  # the organisation was taken once, the next question asked once
    # A new event (a new event_id) with the same text is a new answer.
    await anna.say("We want a stronger neighbourhood")
    assert len([m for m in anna.dms() if "4/11" in section_text(m)]) == 1


async def test_only_coordinators_reveal(workspace: Workspace) -> None:
    anna, bert, _ = await _partnership(workspace)
    await anna.command("round")
    posted = len(workspace.channel_messages())
    reply = await bert.command("reveal force")
    assert reply.status == 200
    [refusal] = bert.ephemerals()
    assert "Only a coordinator" in refusal and "anna" in refusal
    assert len(workspace.channel_messages()) == posted
    assert anna.ephemerals() == []


async def test_a_rate_limited_post_is_delayed_not_lost(workspace: Workspace) -> None:
    anna = workspace.user("U0ANNA", "anna")
    # More 429s than slack_sdk retries by itself: the runtime has to try again later.
    workspace.api.rate_limit_next("chat.postMessage", retry_after=1, times=5)
    started = time.monotonic()
    await anna.command("setup", settle=False)
    await eventually(lambda: workspace.channel_messages(), timeout=30)
    calls = workspace.api.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429] * 5 + [200]
    assert all(b.at - a.at >= 1 for a, b in zip(calls, calls[1:], strict=False))
    assert time.monotonic() - started >= 5
    await workspace.settle()
    [ready] = workspace.channel_messages()
    assert "ready in samen-sterk" in section_text(ready)


async def test_markup_typed_in_an_answer_reaches_the_channel_escaped(
        workspace: Workspace) -> None:
    anna, bert, carla = await _partnership(workspace)
    await anna.command("round")
    typed = "&lt;!channel&gt; look at &lt;https://evil.example|this&gt; &amp; <!here> <@U0BERT>"
    await walk(anna, "Gemeente &amp; co", org_interest=typed)
    await walk(bert, "Hogeschool")
    await walk(carla, "Bibliotheek")
    await anna.command("reveal")
    text = "\n".join(section_text(m) + "\n" + m.text for m in workspace.channel_messages())
    assert "&lt;!channel&gt; look at &lt;https://evil.example|this&gt; &amp; @here @bert" \
        in text
    assert "Gemeente &amp; co" in text
    for dangerous in ("<!channel>", "<!here>", "<https://"):
        assert dangerous not in text


async def test_a_reveal_too_large_for_one_message_arrives_split_and_complete(
        workspace: Workspace) -> None:
    people = await _partnership(workspace)
    anna = people[0]
    await anna.command("round")
    long_answers = {}
    for n, person in enumerate(people):
        answers = {
            field: f"[{person.name} {field} start] " + " ".join(
                f"{field}{i}-{n}" for i in range(110)) + f" [{person.name} {field} end]"
            for field in ("org_interest", "own_interest", "expectations", "stakeholders")
        }
        assert all(1500 < len(a) < 2000 for a in answers.values())
        long_answers[person.name] = answers
        await walk(person, f"Organisation {n}", **answers)
    posted = len(workspace.channel_messages())
    await anna.command("reveal")
    reveal = workspace.channel_messages()[posted:]
    assert len(reveal) >= 2
    for message in reveal:
        validate_blocks(message.blocks)
        assert message.text
    shown = "\n".join(section_text(m) for m in reveal)
    squashed = "".join(shown.split())
    for answers in long_answers.values():
        for answer in answers.values():
            assert "".join(answer.split()) in squashed  # nothing cut off
    # In order: the header first, each partner's card in one piece, in sequence.
    assert "Organisation 0" in section_text(reveal[0])
    for person in people:
        assert shown.index(f"[{person.name} org_interest start]") < shown.index(
            f"[{person.name} stakeholders end]")


async def test_slack_errors_reach_the_coordinator_and_nothing_crashes(
        workspace: Workspace) -> None:
    anna, bert, carla = await _partnership(workspace)
    workspace.api.users["U0BERT"].deleted = True  # bert's account was deactivated
    await anna.command("round")
    told = [section_text(m) for m in anna.dms() if "couldn't write to" in section_text(m)]
    assert told == ["I couldn't write to bert privately (Slack: user_disabled). "
                    "Could you ask them to open a chat with me?"]
    await anna.command("status")
    assert "bert: not started yet — I can't reach them privately" in anna.ephemerals()[-1]
    workspace.api.users["U0BERT"].deleted = False
    # The channel is gone for the bot: the coordinator hears it privately.
    workspace.api.channels[CHANNEL_ID].members.remove("UOPTAFEL")
    await anna.command("remind")
    assert any("couldn't post in the channel" in section_text(m) for m in anna.dms())
    # And the app keeps working afterwards.
    await walk(carla, "Bibliotheek", seal=False)
    assert "11/11" in section_text(carla.last_dm())


async def test_app_home_shows_partnerships_and_continues_the_interview(
        workspace: Workspace) -> None:
    anna, bert, _ = await _partnership(workspace)
    await anna.command("round")
    await bert.press("Let's start")
    await bert.say("Hogeschool")
    event = workspace.requests.app_home_opened(user_id="U0BERT", channel_id=bert.im)
    assert (await workspace.requests.event(event)).status == 200
    await workspace.settle()
    home = await eventually(lambda: workspace.api.homes.get("U0BERT"))
    validate_blocks(home["blocks"], max_blocks=100)
    page = "\n".join(b["text"]["text"] for b in home["blocks"] if b["type"] == "section")
    assert "samen-sterk" in page and "step 3 of 11" in page
    [button] = [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["text"]["text"] == "Continue"
    payload = workspace.requests.block_actions_payload(
        user_id="U0BERT", user_name="bert", channel_id=bert.im, message=None,
        actions=[{"type": "button", "action_id": button["action_id"],
                  "block_id": "home", "value": button["value"]}],
        container={"type": "view", "view_id": "V1"})
    await workspace.requests.interaction(payload)
    await workspace.settle()
    assert "3/11" in section_text(bert.last_dm())
    # The coordinator's home shows who has answered.
    await workspace.requests.event(
        workspace.requests.app_home_opened(user_id="U0ANNA", channel_id=anna.im))
    await workspace.settle()
    coordinator_page = "\n".join(b["text"]["text"] for b in workspace.api.homes["U0ANNA"]
                                 ["blocks"] if b["type"] == "section")
    assert "bert: busy (step 3 of 11)" in coordinator_page


async def test_commands_in_a_dm_are_answered_privately(workspace: Workspace) -> None:
    anna, _, _ = await _partnership(workspace)
    await anna.command("help", private=True)
    assert "in your private chat" in section_text(anna.last_dm())
    await anna.command("round")
    await anna.command("edit")  # about one's own answers: privately, wherever typed
    assert "1/11" in section_text(anna.last_dm()) or "Welcome" in section_text(anna.last_dm())
    assert elements(anna.last_dm())

"""Slack hears "received" only for what is stored; repeats have effect once; what a
partner typed leaves the inbox once decided."""

from __future__ import annotations

import sqlalchemy as sa

from tests.scenario.test_inbox import rename
from tests.slack.workspace import CHANNEL_ID, CHANNEL_NAME, Workspace, walk


def _payloads_of(ws: Workspace, user_id: str) -> list[object]:
    with ws.runtime.engine.connect() as connection:
        return list(connection.scalars(
            sa.text("SELECT payload FROM inbox WHERE actor = :u"), {"u": user_id}))


async def test_a_request_that_cannot_be_stored_is_not_acknowledged(
        workspace: Workspace) -> None:
    anna = workspace.user("U0ANNA", "anna")
    engine = workspace.runtime.engine
    rename(engine, "inbox", "inbox_away")
    refused = await anna.command("setup", settle=False)
    assert refused.status == 500  # Slack shows the person an error: nothing happened
    event = workspace.requests.im_message(user_id="U0ANNA", channel_id=anna.im, text="hello")
    reply = await workspace.requests.event(event, event_id="Ev0HELLO")
    assert reply.status == 500  # Slack sends the event again later
    rename(engine, "inbox_away", "inbox")
    await workspace.settle()
    assert workspace.channel_messages() == [] and anna.dms() == []

    # Slack's retry of the event, and a new try of the command, are stored and answered.
    again = await workspace.requests.event(event, event_id="Ev0HELLO", retry_num=1)
    assert again.status == 200
    assert (await anna.command("setup")).status == 200
    await workspace.settle()
    assert len(anna.dms()) == 1  # the reply to "hello", once
    assert "ready in samen-sterk" in workspace.channel_text()


async def test_the_same_command_and_event_sent_twice_have_effect_once(
        workspace: Workspace) -> None:
    anna = workspace.user("U0ANNA", "anna")
    requests = workspace.requests
    fields = requests.command_fields("setup", user_id="U0ANNA", user_name="anna",
                                     channel_id=CHANNEL_ID, channel_name=CHANNEL_NAME)
    assert (await requests.post_form(fields)).status == 200
    assert (await requests.post_form(fields)).status == 200  # a repeat: acknowledged too
    event = requests.im_message(user_id="U0ANNA", channel_id=anna.im, text="hello")
    assert (await requests.event(event, event_id="Ev0TWICE")).status == 200
    assert (await requests.event(event, event_id="Ev0TWICE", retry_num=1)).status == 200
    await workspace.settle()
    assert len(workspace.channel_messages()) == 1
    assert anna.ephemerals() == []  # no "already set up"
    assert len(anna.dms()) == 1


async def test_after_forget_no_inbox_row_of_theirs_holds_their_words(
        workspace: Workspace) -> None:
    dewi = workspace.user("U0DEWI", "dewi")
    anna = workspace.user("U0ANNA", "anna")
    await dewi.command("setup")
    await dewi.command("partners <@U0ANNA>")
    await dewi.command("round")
    await walk(anna, "Wijkteam", own_interest="a quiet promotion", seal=False)
    # Typed in a row, without waiting: decided in this order, the forget last.
    await anna.say("one more secret thought", settle=False)
    await anna.command("forget", private=True, settle=False)
    await anna.command("forget yes", private=True, settle=False)
    await workspace.settle()
    payloads = _payloads_of(workspace, "U0ANNA")
    assert len(payloads) > 10 and all(p is None for p in payloads)
    with workspace.runtime.engine.connect() as connection:
        rows = " ".join(str(tuple(r)) for r in connection.execute(sa.text("SELECT * FROM inbox")))
    assert "quiet promotion" not in rows and "secret thought" not in rows


async def test_a_passing_slack_failure_while_deciding_is_tried_again(
        workspace: Workspace) -> None:
    anna = workspace.user("U0ANNA", "anna")
    workspace.api.fail_next("users.info", "internal_error")
    reply = await anna.command("setup", settle=False)
    assert reply.status == 200  # stored, so acknowledged: the lookup comes later
    await workspace.settle()
    assert len(workspace.api.calls_to("users.info")) >= 2  # looked up again
    with workspace.runtime.engine.connect() as connection:
        [(attempts, decided)] = connection.execute(
            sa.text("SELECT attempts, decided_at FROM inbox")).all()
    assert attempts == 1 and decided is not None  # one failed try, then decided
    assert len(workspace.channel_messages()) == 1
    assert "anna is the coordinator" in workspace.channel_text()

"""Commands that change nothing (`help`, a typo) are answered in Slack's ack itself."""

from __future__ import annotations

from tests.slack.workspace import Workspace, ack_text


def _posted_for(ws: Workspace, user_id: str) -> list[object]:
    """Everything sent to this person through the Web API (ephemerals and DMs)."""
    return [*ws.api.ephemerals_to(user_id), *ws.api.dms_to(user_id)]


async def test_help_is_answered_in_the_ack_for_the_person_alone(workspace: Workspace) -> None:
    anna = workspace.user("U0ANNA", "anna")
    before_setup = await anna.command("help")
    assert "commands for this channel" in ack_text(before_setup)
    await anna.command("setup")
    shown = len(_posted_for(workspace, "U0ANNA"))
    reply = await anna.command("help")
    assert reply.status == 200
    assert "commands for this channel" in ack_text(reply)
    assert "/optafel reveal" in ack_text(reply)
    assert len(_posted_for(workspace, "U0ANNA")) == shown  # nothing posted besides the ack
    # A command that changes something still gets a bare ack and its answer afterwards.
    partners = await anna.command("partners <@U0ANNA|anna>")
    assert partners.status == 200 and ack_text(partners) == ""
    assert "The partners: anna." in workspace.channel_text()


async def test_a_typo_gets_the_friendly_answer_and_a_mention_in_it_is_not_one(
        workspace: Workspace) -> None:
    anna = workspace.user("U0ANNA", "anna")
    await anna.command("setup")
    reply = await anna.command("<!channel>now")
    text = ack_text(reply)
    assert "I don't know the command" in text
    assert '"@channelnow"' in text and "<!channel>" not in text  # shown, never a mention
    assert "commands for this channel" in text
    assert "<!channel>" not in workspace.channel_text()


async def test_help_speaks_the_language_of_the_partnership(workspace: Workspace) -> None:
    anna = workspace.user("U0ANNA", "anna")
    await anna.command("setup")
    await anna.command("language nl")
    assert "opdrachten voor dit kanaal" in ack_text(await anna.command("help")).lower()
    assert 'De opdracht "hepl" ken ik niet.' in ack_text(await anna.command("hepl"))
    # Someone else's channel without a partnership: the default language (English here).
    other = await workspace.requests.command("help", user_id="U0ANNA", user_name="anna",
                                             channel_id="C0OTHER", channel_name="elsewhere")
    assert "commands for this channel" in ack_text(other)

"""Slack: the join button works for the channel's members and the partner list only."""

from __future__ import annotations

from tests.slack.workspace import Workspace, open_round, section_text


async def test_only_channel_members_join_with_the_button(workspace: Workspace) -> None:
    anna = workspace.user("U0ANNA", "anna")
    bert = workspace.user("U0BERT", "bert")
    zoe = workspace.user("U0ZOE", "zoe", in_channel=False)  # e.g. saw a shared screenshot
    await open_round(anna)
    announcement = workspace.channel_messages()[-1]
    await zoe.press("I'm taking part", on=announcement)
    assert "ask the coordinator (anna)" in section_text(zoe.last_dm())
    await bert.press("I'm taking part", on=announcement)
    assert "Welcome to Op Tafel" in section_text(bert.last_dm())
    await anna.command("status")
    assert "bert: not started yet" in anna.ephemerals()[-1]
    assert "zoe" not in anna.ephemerals()[-1]

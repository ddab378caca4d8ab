"""An agreement from a match of the reveal, confirmed with a button in a Slack DM."""

from __future__ import annotations

from tests.slack.workspace import Workspace, elements, section_text, walk


async def test_an_agreement_from_a_match_confirmed_privately(workspace: Workspace) -> None:
    anna = workspace.user("U0ANNA", "anna")
    bert = workspace.user("U0BERT", "bert")
    await anna.command("setup")
    await anna.command("partners <@U0ANNA|anna> <@U0BERT>")
    await anna.command("round")
    await walk(anna, "Gemeente", gets=("Knowledge",), gives=("Money",))
    await walk(bert, "Welzijn", gets=("Money",), gives=("Knowledge",))
    await anna.command("reveal")
    helping = next(m for m in workspace.channel_messages()
                   if "Who can help whom" in section_text(m))
    assert [e["text"]["text"] for e in elements(helping)] == ["bert → anna: Knowledge",
                                                              "anna → bert: Money and resources"]

    await anna.press("bert → anna: Knowledge", on=helping)
    assert "(by anna): bert brings for anna: knowledge" in (
        workspace.channel_text())
    assert [e["text"]["text"] for e in elements(helping)] == ["anna → bert: Money and resources"]
    question = bert.last_dm()
    assert "will you bring this?" in section_text(question)
    assert [e["text"]["text"] for e in elements(question)] == ["Yes, I'll bring it"]

    await bert.press("Yes, I'll bring it", on=question)
    assert "Agreement 1 stands: bert brings for anna: knowledge." in workspace.channel_text()
    assert elements(question) == [] and "✓ Confirmed" in section_text(question)

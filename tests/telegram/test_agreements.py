"""An agreement from a match of the reveal, confirmed with an inline button in Telegram."""

from __future__ import annotations

from tests.fakes.telegram_updates import TgUser
from tests.telegram.world import World

ANNA = TgUser(2001, "Anna")
BERT = TgUser(2002, "Bert")


async def test_an_agreement_from_a_match_confirmed_privately(world: World) -> None:
    coordinator = world.member(TgUser(2000, "Dewi"))
    anna, bert = world.member(ANNA), world.member(BERT)
    await coordinator.in_group("/setup")
    invitation = await coordinator.in_group("/round")
    token = next(b["url"] for row in invitation.reply_markup["inline_keyboard"]
                 for b in row if "url" in b).rsplit("start=", 1)[1]
    for member, gets, gives in ((anna, "Knowledge", "Money and resources"),
                                (bert, "Money and resources", "Knowledge")):
        await member.start(token)
        await member.interview(organisation=f"{member.name} Org", org_interest="impact",
                               own_interest="learning", gets=(gets,), gives=(gives,))
    await coordinator.in_group("/reveal")
    await world.settle()
    helping = next(m for m in world.group() if "Who can help whom" in m.text)
    assert [b["text"] for b in helping.buttons] == ["Bert → Anna: Knowledge",
                                                    "Anna → Bert: Money and resources"]

    await world.fake.press(ANNA, helping, "Bert → Anna: Knowledge")
    await world.fake.wait_for(lambda: "will you bring this?" in bert.last().text, 10,
                              "the private question to Bert")
    assert "Proposed agreement 1 (by Anna): Bert brings for Anna: knowledge" in (
        world.group_text())
    question = bert.last()
    assert [b["text"] for b in question.buttons] == ["Yes, I'll bring it"]
    await bert.toggle("Yes, I'll bring it", on=question)
    await world.settle()
    assert "Agreement 1 stands: Bert brings for Anna: knowledge." in world.group_text()
    assert question.buttons == [] and "✓ Confirmed" in question.text

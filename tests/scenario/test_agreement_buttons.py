"""After the reveal: who can help whom, an agreement proposed from a match with one press,
and the giver's private "yes" — on the local adapter, a real database."""

from __future__ import annotations

from .conftest import Local, answer_everything


async def revealed(local: Local, anonymous: bool = False) -> None:
    s = local.session
    await s.command("Dewi", "/setup")
    await s.command("Dewi", "/partners @Anna @Bram @Chris")
    if anonymous:
        await s.command("Dewi", "/anonymous on")
    await s.command("Dewi", "/round")
    await answer_everything(s, "Anna", "Gemeente", gets=("Knowledge",), gives=("Money",))
    await answer_everything(s, "Bram", "Welzijn", gets=("Money",), gives=("Knowledge",))
    await answer_everything(s, "Chris", "School", gets=("Knowledge", "Continuity"),
                            gives=("Facilities",))
    await s.command("Dewi", "/reveal")


async def test_who_can_help_whom_and_an_agreement_from_a_match(local: Local):
    s, ad = local.session, local.adapter
    await revealed(local)
    helping = ad.channel("tafel")[-1]
    for expected in (
        "Who can help whom",
        "Anna — can get: knowledge from Bram · brings: money and resources to Bram",
        "Bram — can get: money and resources from Anna · brings: knowledge to Anna and Chris",
        "Chris — can get: knowledge from Bram (and together: the continuity of their own "
        "organisation) "
        "· brings: nothing the others asked for yet",
    ):
        assert expected in helping.text, expected
    assert [b.label for b in helping.buttons] == ["Bram → Anna and Chris: Knowledge",
                                                  "Anna → Bram: Money and resources"]

    await s.press_label("Chris", "Bram → Anna and Chris: Knowledge", helping)
    proposal = ad.channel("tafel")[-1].text
    assert "Proposed agreement 1 (by Chris): Bram brings for Anna and Chris: knowledge" in proposal
    assert "/agreements edit 1" in proposal  # make it concrete
    assert [b.label for b in helping.buttons] == ["Anna → Bram: Money and resources"]  # used
    asked = s.last("Bram")
    assert "Tafel: will you bring this?" in asked.text
    assert "Chris proposed agreement 1: Bram brings for Anna and Chris: knowledge" in asked.text
    first_question = asked

    await s.command("Dewi", "/agreements edit 1 a knowledge session every month until June")
    assert "will you bring this?" in s.last("Bram").text  # asked again, for the new text
    await s.press_label("Bram", "Yes, I'll bring it", first_question)
    assert "was changed after I asked you this" in s.last("Bram").text
    assert "Agreement 1 stands" not in ad.channel("tafel")[-1].text

    second_question = s.last_with_buttons("Bram")
    await s.press_label("Bram", "Yes, I'll bring it")
    assert "✓ Confirmed: agreement 1 stands." in second_question.text  # shown in place
    assert second_question.buttons == []
    assert ("Agreement 1 stands: Bram brings for Anna and Chris: a knowledge session every "
            "month until June") in ad.channel("tafel")[-1].text
    await s.command("Anna", "/agreements")
    assert "— confirmed" in ad.channel("tafel")[-1].text


async def test_anonymous_partnerships_get_the_view_without_buttons(local: Local):
    await revealed(local, anonymous=True)
    helping = local.adapter.channel("tafel")[-1]
    assert "Who can help whom" in helping.text
    assert "Partner A" in helping.text and "Anna" not in helping.text
    assert helping.buttons == []
    assert "there are no buttons here: an agreement carries names" in helping.text

"""The rough edges of a first round: typed labels, empty choices, wrong places, one thank-you."""

from __future__ import annotations

from .conftest import Local, answer_everything
from .test_round import setup_round


async def _to_step_five(local: Local) -> None:
    s = local.session
    await setup_round(local, "Anna")
    await s.press_label("Anna", "Let's start")
    for answer in ("Municipality", "Our interest", "My interest"):
        await s.say("Anna", answer)


async def test_typing_a_buttons_label_presses_it(local: Local):
    s = local.session
    await _to_step_five(local)
    await s.say("Anna", "  KNOWLEDGE ")  # a label, in any case: ticks it
    assert "5/11" in s.last("Anna").text
    assert [b.label for b in s.last("Anna").buttons if b.selected] == ["Knowledge"]
    await s.say("Anna", "done, next")
    await s.say("Anna", "skip")  # step 6
    assert "7/11" in s.last("Anna").text
    await s.say("Anna", "about even")  # the balance, typed
    assert "8/11" in s.last("Anna").text
    await s.press_label("Anna", "Skip")
    await s.press_label("Anna", "Skip")
    await s.press_label("Anna", "Skip")
    review = s.last("Anna").text
    assert "Want to get: Knowledge" in review and "Balance: About even" in review


async def test_a_typed_dutch_label_counts_too(engine, clock):
    from .conftest import start_local

    local = await start_local(engine, clock, language="nl")
    s = local.session
    try:
        await s.command("Dewi", "/setup")
        await s.command("Dewi", "/partners Anna")
        await s.command("Dewi", "/round")
        await s.say("Anna", "ik begin")
        for answer in ("Gemeente", "Ons belang", "Mijn belang"):
            await s.say("Anna", answer)
        await s.say("Anna", "overslaan")
        await s.say("Anna", "overslaan")
        await s.say("Anna", "ongeveer in evenwicht")
        assert "8/11" in s.last("Anna").text
    finally:
        await local.runtime.stop()


async def test_done_with_nothing_ticked_asks_again(local: Local):
    s = local.session
    await _to_step_five(local)
    await s.press_label("Anna", "Done, next")
    assert "You haven't ticked anything yet" in s.last("Anna").text
    assert "5/11" in s.last("Anna").text  # still here: the next line is not step 6's
    await s.say("Anna", "Mostly knowledge")
    await s.press_label("Anna", "Knowledge")
    await s.press_label("Anna", "Done, next")
    assert "6/11" in s.last("Anna").text


async def test_a_command_in_the_wrong_place_says_where_it_belongs(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna")
    await s.command("Anna", "/edit")
    assert "belongs in your private chat" in ad.notices("anna")[-1].text
    await s.private_command("Dewi", "/round")
    told = s.last("Dewi").text
    assert "belongs in your group's channel" in told and "I don't know" not in told
    await s.private_command("Dewi", "/frobnicate")
    assert 'I don\'t know "frobnicate"' in s.last("Dewi").text


async def test_sealing_confirms_once(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna")
    await answer_everything(s, "Anna", "Municipality", seal=False)
    review = s.last("Anna")
    before = len(ad.inbox("anna"))
    await s.press_label("Anna", "Seal my answers")
    assert len(ad.inbox("anna")) == before  # no second message
    assert review.edits == 1
    assert review.text.startswith("Thank you! Nobody sees your answers")
    assert "Your answers are sealed" in review.text

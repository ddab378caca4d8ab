"""Check-ins that follow up: what partners came for, the agreements they are part of, and
whether their own people still value it — asked privately, shown together at the close."""

from __future__ import annotations

from .conftest import CheckinWorld, answer_everything, start_world


async def agreed_round(w: CheckinWorld) -> None:
    """Anna wants knowledge, Bram brings it; they agree on it; Chris takes part as well."""
    s = w.session
    await s.command("Dewi", "/setup")
    await s.command("Dewi", "/partners @Anna @Bram @Chris")
    await s.command("Dewi", "/round")
    await answer_everything(s, "Anna", "Gemeente", gets=("Knowledge", "Network"),
                            gives=("Money",))
    await answer_everything(s, "Bram", "Welzijn", gets=("Money",), gives=("Knowledge",))
    await answer_everything(s, "Chris", "School", gets=("Facilities",), gives=("Capacity",))
    await s.command("Dewi", "/reveal")
    await s.command("Anna", "/agree @Bram a monthly knowledge session until June")
    await s.command("Bram", "/confirm 1")
    await s.command("Chris", "/agree @Chris @Anna a classroom on Fridays")  # not confirmed


async def test_partners_are_asked_about_their_agreements_and_what_they_came_for(
        world: CheckinWorld):
    w, s = world, world.session
    await agreed_round(w)
    await s.command("Dewi", "/checkin now")
    assert "four questions" in w.inbox("chris")[-1]  # no confirmed agreement: none asked
    assert "five questions" in w.inbox("anna")[-1]

    await s.press_label("Anna", "I get a bit more")
    asked = w.inbox("anna")[-1]
    assert "2/5 · Still worth it?" in asked
    assert "In round 1 you wanted to get: knowledge and network and access." in asked
    await s.press_label("Anna", "Yes")
    asked = w.inbox("anna")[-1]
    assert "3/5 · Our agreements" in asked
    assert "1. Bram brings for Anna: a monthly knowledge session until June" in asked
    assert "a classroom" not in asked  # proposed, not confirmed: nothing to keep yet
    await s.press_label("Anna", "Partly")
    await s.say("Anna", "Two sessions so far, the third was cancelled")
    await s.press_label("Anna", "Done, next")
    assert "4/5 · Your own people" in w.inbox("anna")[-1]
    await s.press_label("Anna", "No")
    await s.press_label("Anna", "Skip")
    review = w.inbox("anna")[-1]
    assert "3. Our agreements: 1: partly — Two sessions so far" in review
    assert "4. Your own people: No" in review
    await s.press_label("Anna", "Seal my answers")

    await s.press_label("Bram", "About even")
    await s.press_label("Bram", "Yes")
    await s.press_label("Bram", "Kept")
    await s.press_label("Bram", "Done, next")
    await s.press_label("Bram", "Yes")
    await s.press_label("Bram", "Skip")
    await s.press_label("Bram", "Seal my answers")
    assert not any("Two sessions" in t for t in w.channel())  # sealed until it closes

    await s.press_label("Chris", "About even")
    await s.press_label("Chris", "Yes")
    assert "3/4 · Your own people" in w.inbox("chris")[-1]
    await s.press_label("Chris", "Yes")
    await s.press_label("Chris", "Skip")
    await s.press_label("Chris", "Seal my answers")
    await w.tick()

    result = next(t for t in w.channel() if "Check-in 1 — Tafel" in t)
    for expected in (
        "The agreements",
        "1. Bram brings for Anna: a monthly knowledge session until June — Anna: partly; "
        "Bram: kept",
        "Anna: “Two sessions so far, the third was cancelled”",
        "Their own people still value it: No",
        "Agreement 1 is not kept, or only partly. What is in the way",
        "According to Anna, their own people doubt what this collaboration gives and asks",
    ):
        assert expected in result, expected
    assert "classroom" not in result


async def test_anonymous_check_ins_keep_agreement_answers_unattributed(world: CheckinWorld):
    w, s = world, world.session
    await agreed_round(w)
    await s.command("Dewi", "/anonymous on")
    await s.command("Dewi", "/checkin now")
    for who, verdict in (("Anna", "Not kept"), ("Bram", "Kept")):
        await s.press_label(who, "About even")
        await s.press_label(who, "Yes")
        await s.press_label(who, verdict)
        await s.say(who, f"{who} about the sessions")
        await s.press_label(who, "Done, next")
        await s.press_label(who, "Yes")
        await s.press_label(who, "Skip")
        await s.press_label(who, "Seal my answers")
    await s.command("Dewi", "/reveal force")  # Chris did not answer: close it early
    await w.tick()
    result = next(t for t in w.channel() if "Check-in 1 — Tafel" in t)
    # The agreement was made openly and keeps its names; who said what stays unsaid.
    assert "1. Bram brings for Anna: a monthly knowledge session until June — " in result
    assert "Anna: not kept" not in result and "Bram: kept" not in result
    assert "not kept" in result and "“Anna about the sessions”" in result
    assert "Anna: “" not in result


async def test_follow_up_in_dutch(engine, clock, tmp_path):
    w = await start_world(engine, clock, tmp_path, language="nl")
    s = w.session
    await s.command("Dewi", "/inrichten")
    await s.command("Dewi", "/partners @Anna @Bram")
    await s.command("Dewi", "/ronde")
    for who, gets, gives in (("Anna", "Kennis", "Geld en middelen"), ("Bram", "Geld en middelen",
                                                                     "Kennis")):
        await s.press_label(who, "Ik begin")
        for text in (f"{who} Org", "belang", "eigen belang"):
            await s.say(who, text)
        await s.press_label(who, gets)
        await s.press_label(who, "Klaar, verder")
        await s.press_label(who, gives)
        await s.press_label(who, "Klaar, verder")
        await s.press_label(who, "Ongeveer in evenwicht")
        await s.press_label(who, "Ja")
        await s.press_label(who, "Klaar, verder")
        await s.say(who, "verwachting")
        await s.say(who, "achterban")
        await s.press_label(who, "Afronden")
    await s.command("Dewi", "/deel")
    await s.command("Anna", "/hulp")
    help_text = w.adapter.notices("anna")[-1].text
    assert "/afspraak @naam [@voor wie] <wat>" in help_text and "/bevestig <nummer>" in help_text
    assert "/afspraken wijzig|sluit <nummer>" in help_text
    await s.command("Anna", "/afspraak @Bram elke maand een kennissessie")
    await s.command("Bram", "/bevestig 1")
    assert "Afspraak 1 staat: Bram brengt voor Anna: elke maand een kennissessie" in w.channel()[-1]
    await s.command("Dewi", "/checkin nu")
    await s.press_label("Bram", "Ongeveer in evenwicht")
    assert "In ronde 1 wilde je halen: geld en middelen." in w.inbox("bram")[-1]
    await s.press_label("Bram", "Ja")
    assert "3/5 · Onze afspraken" in w.inbox("bram")[-1]
    await s.press_label("Bram", "Nagekomen")
    await s.press_label("Bram", "Klaar, verder")
    assert "4/5 · Je eigen achterban" in w.inbox("bram")[-1]
    await s.press_label("Bram", "Weet ik niet zeker")
    await s.press_label("Bram", "Overslaan")
    await s.press_label("Bram", "Afronden")
    await s.command("Dewi", "/deel toch")
    await w.tick()
    result = next(t for t in w.channel() if "Check-in 1 — Tafel" in t)
    assert "De afspraken" in result and "— Bram: nagekomen" in result
    assert "De eigen achterban waardeert het nog: Weet ik niet zeker" in result
    await w.runtime.stop()

"""Check-ins end to end: local adapter, real database, scheduler ticks on a fake clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.chart import PNG_SIGNATURE, png_size

from .conftest import CheckinWorld, answer_everything, start_world

MONDAY_0900_AMSTERDAM = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


async def interest_round(w: CheckinWorld, **balances: str) -> None:
    """Set up Tafel with these partners, and reveal an interest round with their balance."""
    s = w.session
    await s.command("Dewi", "/setup")
    await s.command("Dewi", "/partners " + " ".join(f"@{p}" for p in balances))
    await s.command("Dewi", "/round")
    for name, balance in balances.items():
        await answer_everything(s, name, f"{name} Org", balance=balance)
    await s.command("Dewi", "/reveal")


async def answer_checkin(w: CheckinWorld, who: str, balance: str, delivers: str,
                         changed: str | None = None, seal: bool = True,
                         valued: str = "Yes") -> None:
    s = w.session
    await s.press_label(who, balance)
    await s.press_label(who, delivers)
    await s.press_label(who, valued)
    if changed is None:
        await s.press_label(who, "Skip")
    else:
        await s.say(who, changed)
    if seal:
        await s.press_label(who, "Seal my answers")


def count(texts: list[str], fragment: str) -> int:
    return sum(fragment in t for t in texts)


async def test_a_full_check_in_dms_reminder_closing_aggregate_and_picture(world: CheckinWorld):
    w, s, ad = world, world.session, world.adapter
    await interest_round(w, Anna="I get a bit more", Bram="About even", Chris="About even")
    await s.command("Dewi", "/checkin every 2 weeks monday 09:00")
    assert ("every 2 weeks on Monday at 09:00 (Europe/Amsterdam). "
            "The first check-in: Monday 30 November, 09:00.") in w.channel()[-1]

    w.clock.now = MONDAY_0900_AMSTERDAM - timedelta(minutes=1)
    await w.tick()
    assert count(w.inbox("anna"), "Check-in — Tafel") == 0  # not yet

    w.clock.now = MONDAY_0900_AMSTERDAM
    await w.tick()
    await w.tick()  # a second tick at the same time asks nobody again
    for partner in ("anna", "bram", "chris"):
        assert count(w.inbox(partner), "Check-in — Tafel") == 1
        assert "1/4 · The balance now" in w.inbox(partner)[-1]
        assert "closes on Thursday 3 December, 09:00" in w.inbox(partner)[-1]
    assert count(w.channel(), "Check-in: does the balance still hold?") == 1
    assert count(w.inbox("dewi"), "Check-in") == 0  # the coordinator is not a partner

    await answer_checkin(w, "Anna", "I bring a bit more", "Yes", "A new board member")
    thanks = s.last("Anna").text  # the review itself says thank you: one confirmation
    assert thanks.startswith("Thank you! Everyone sees the answers together")
    assert "Your answers are sealed" in thanks
    await answer_checkin(w, "Bram", "About even", "I have doubts", "Bram's secret", seal=False)

    await s.command("Dewi", "/status")
    status = ad.notices("dewi")[-1].text
    assert "Check-ins: every 2 weeks on Monday at 09:00 (Europe/Amsterdam)" in status
    assert "Next: Monday 14 December, 09:00" in status
    assert "closes Thursday 3 December, 09:00" in status
    assert "Anna: ✓ sealed" in status and "Bram: busy" in status
    assert "Chris: not started yet" in status
    assert "A new board member" not in status  # who answered, never what

    w.clock.advance(hours=47, minutes=59)
    await w.tick()
    assert count(w.inbox("bram"), "A gentle reminder") == 0
    w.clock.advance(minutes=1)  # a day before the window closes
    await w.tick()
    w.clock.advance(hours=1)
    await w.tick()
    assert count(w.inbox("bram"), "A gentle reminder") == 1
    assert count(w.inbox("chris"), "A gentle reminder") == 1
    assert count(w.inbox("anna"), "A gentle reminder") == 0  # Anna has answered

    await answer_checkin(w, "Chris", "I bring much more", "No", "We lost our funding")
    assert not any("Check-in 1 — Tafel" in t for t in w.channel())  # sealed until it closes

    w.clock.now = MONDAY_0900_AMSTERDAM + timedelta(days=3)
    await w.tick()
    result = w.channel()[-2]
    assert "Check-in 1 — Tafel: does the balance still hold?" in result
    assert "2 of 3 partners answered. Not answered: Bram." in result
    for expected in (
        "Balance now: I bring a bit more than I get — now bringing more than before",
        "Interest round: I get a bit more than I bring",
        "Still worth it: Yes",
        "What changed: A new board member",
        "Balance now: I bring much more than I get — now bringing more than before",
        "What changed: We lost our funding",
        "Watch the balance",
        'Anna and Chris: the balance tipped toward "I bring more than I get"',
        "Chris: the collaboration no longer delivers what they came for",
        "To talk about",
    ):
        assert expected in result, expected
    assert "Bram's secret" not in result and "I have doubts" not in result  # never sealed

    picture = ad.pictures[0]
    assert str(picture) in w.channel()[-1] and "Balance over time — Tafel" in w.channel()[-1]
    png = Path(picture).read_bytes()
    assert png.startswith(PNG_SIGNATURE) and png_size(png) == (1000, 700)
    trend = w.trends[0]
    assert trend.x_labels == ("Interest round\n23 Nov", "Check-in 1\n30 Nov")
    assert {sr.name: sr.values for sr in trend.series} == {
        "Anna": (2, 4), "Bram": (3, None), "Chris": (3, 5)}
    assert trend.y_labels[0] == "I get much more than I bring"
    assert trend.y_labels[4] == "I bring much more than I get"

    await w.tick()
    assert count(w.channel(), "Check-in 1 — Tafel") == 1  # posted once
    assert len(ad.pictures) == 1

    # Two weeks later: the second check-in compares with the first.
    w.clock.now = MONDAY_0900_AMSTERDAM + timedelta(weeks=2)
    await w.tick()
    await answer_checkin(w, "Anna", "About even", "Yes")
    await answer_checkin(w, "Bram", "I get much more", "Yes")
    await answer_checkin(w, "Chris", "I bring much more", "I have doubts")
    await w.tick()  # everyone answered: no need to wait for the window
    second = w.channel()[-2]
    assert "Check-in 2 — Tafel" in second and "3 of 3 partners answered." in second
    assert "Previous check-in: I bring a bit more than I get" in second  # Anna's
    assert "Balance now: About even — now getting more than before" in second
    assert "Balance now: I bring much more than I get — unchanged" in second
    assert "Chris: still bringing more than getting" in second
    assert {sr.name: sr.values for sr in w.trends[1].series} == {
        "Anna": (2, 4, 3), "Bram": (3, None, 1), "Chris": (3, 5, 5)}
    assert w.trends[1].x_labels[2] == "Check-in 2\n14 Dec"


async def test_the_last_seal_posts_the_result_without_waiting_for_a_tick(world: CheckinWorld):
    import asyncio

    w, s = world, world.session
    await interest_round(w, Anna="About even")
    await s.command("Dewi", "/checkin now")
    await answer_checkin(w, "Anna", "About even", "Yes")
    for _ in range(200):  # the runtime nudged the scheduler's own loop
        if any("Check-in 1 — Tafel" in t for t in w.channel()):
            break
        await asyncio.sleep(0.02)
    assert any("Check-in 1 — Tafel" in t for t in w.channel())


async def test_a_bot_down_for_a_week_opens_one_check_in(world: CheckinWorld):
    w, s, ad = world, world.session, world.adapter
    await interest_round(w, Anna="About even", Bram="About even")
    await s.command("Dewi", "/checkin every 1 weeks monday 09:00")
    w.clock.now = MONDAY_0900_AMSTERDAM + timedelta(days=8, hours=3)  # back on Tuesday 8 Dec
    await w.tick()
    await w.tick()
    assert count(w.inbox("anna"), "Check-in — Tafel") == 1
    assert count(w.channel(), "Check-in: does the balance still hold?") == 1
    await s.command("Dewi", "/status")
    assert "Next: Monday 14 December, 09:00" in ad.notices("dewi")[-1].text


async def test_the_coordinator_reveals_early(world: CheckinWorld):
    w, s, ad = world, world.session, world.adapter
    await interest_round(w, Anna="About even", Bram="About even")
    await s.command("Dewi", "/checkin now")
    await s.command("Dewi", "/reveal")
    assert "Nobody has sealed" in ad.notices("dewi")[-1].text
    await answer_checkin(w, "Anna", "I get a bit more", "Yes")
    await s.command("Dewi", "/remind")
    assert count(w.inbox("bram"), "A gentle reminder") == 1
    await s.command("Dewi", "/reveal")
    assert "Still waiting for: Bram" in ad.notices("dewi")[-1].text
    await s.command("Dewi", "/reveal force")
    await w.tick()  # the nudged scheduler may already have posted it: either way, once
    assert count(w.channel(), "The check-in closes now") == 1
    assert count(w.channel(), "1 of 2 partners answered. Not answered: Bram.") == 1
    await s.press_label("Bram", "About even")  # too late: the answers are on the table
    assert "can no longer be changed" in s.last("Bram").text
    await s.command("Dewi", "/export all")  # the check-in as posted, after the round
    exported = json.loads(ad.files[0].read_text())
    assert [(r["kind"], r["round"]) for r in exported if r["part"] == "1"] == [
        ("interests", "1"), ("checkin", "1")]
    assert "1 of 2 partners answered. Not answered: Bram." in "\n".join(
        r["text"] for r in exported)


async def test_anonymous_check_ins_hide_names_in_text_and_picture(world: CheckinWorld):
    w, s = world, world.session
    await interest_round(w, Anna="About even", Bram="About even")
    await s.command("Dewi", "/anonymous on")
    await s.command("Dewi", "/checkin now")
    assert "Names are left out" in w.inbox("anna")[-1]
    await answer_checkin(w, "Anna", "I bring much more", "No", "Anna feels tired")
    await answer_checkin(w, "Bram", "About even", "Yes")
    await w.tick()
    result = w.channel()[-2]
    assert "Partner A" in result and "Partner B" in result
    assert "Anna feels tired" in result  # what was said is shown, not who said it
    assert "Anna," not in result and "Bram" not in result and "@" not in result
    assert sorted(sr.name for sr in w.trends[0].series) == ["Partner A", "Partner B"]


async def test_bad_schedules_and_timezones_show_the_right_form(world: CheckinWorld):
    w, s, ad = world, world.session, world.adapter
    await interest_round(w, Anna="About even")
    cases = {
        "/checkin every 0 weeks monday 09:00": '"0" weeks won\'t work: choose a number from 1',
        "/checkin every 13 weeks monday 09:00": "choose a number from 1 to 12",
        "/checkin every 2 weeks funday 09:00": 'I don\'t know the day "funday"',
        "/checkin every 2 weeks monday 25:00": '"25:00" is not a time I can use',
        "/checkin every 2 weeks monday 9h": '"9h" is not a time I can use',
        "/checkin sometimes": "I didn't understand that schedule",
    }
    for command, expected in cases.items():
        await s.command("Dewi", command)
        reply = ad.notices("dewi")[-1].text
        assert expected in reply, command
        assert "/checkin every 4 weeks monday 09:00" in reply  # the right form
    await s.command("Dewi", "/timezone Mars/Olympus_Mons")
    assert 'I don\'t know the timezone "Mars/Olympus_Mons"' in ad.notices("dewi")[-1].text
    await s.command("Anna", "/checkin now")
    assert "Only a coordinator" in ad.notices("anna")[-1].text
    assert count(w.inbox("anna"), "Check-in — Tafel") == 0
    await s.command("Dewi", "/status")
    assert "Check-ins: off" in ad.notices("dewi")[-1].text


async def test_timezone_and_off(world: CheckinWorld):
    w, s = world, world.session
    await interest_round(w, Anna="About even")
    await s.command("Dewi", "/checkin every week friday 17:00")
    await s.command("Dewi", "/timezone america/new_york")
    assert "follow the clock of America/New_York" in w.channel()[-1]
    assert "The next check-in: Friday 27 November, 17:00" in w.channel()[-1]
    await s.command("Dewi", "/checkin off")
    assert "Check-ins are off" in w.channel()[-1]
    w.clock.advance(days=30)
    await w.tick()
    assert count(w.inbox("anna"), "Check-in — Tafel") == 0


async def test_a_check_in_waits_for_an_open_interest_round(world: CheckinWorld):
    w, s, ad = world, world.session, world.adapter
    await interest_round(w, Anna="About even")
    await s.command("Dewi", "/checkin every week monday 09:00")
    await s.command("Dewi", "/round")
    await s.command("Dewi", "/checkin now")
    assert "An interest round is still open" in ad.notices("dewi")[-1].text
    w.clock.now = MONDAY_0900_AMSTERDAM
    await w.tick()
    assert ("The planned check-in is skipped: an interest round is still open. "
            "The next one: Monday 7 December, 09:00.") in w.channel()[-1]


async def test_check_ins_in_dutch(engine, clock, tmp_path):
    w = await start_world(engine, clock, tmp_path, language="nl")
    s = w.session
    await s.command("Dewi", "/setup")
    await s.command("Dewi", "/partners @Anna")
    await s.command("Dewi", "/checkin elke 4 weken donderdag 08:30")
    assert "elke 4 weken op donderdag om 08:30 (Europe/Amsterdam)" in w.channel()[-1]
    assert "De eerste check-in: donderdag 26 november, 08:30" in w.channel()[-1]
    w.clock.now = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
    await w.tick()
    assert "Tijd voor een korte check-in" in w.inbox("anna")[-1]
    await s.press_label("Anna", "Ik breng veel meer")
    await s.press_label("Anna", "Nee")
    await s.press_label("Anna", "Weet ik niet zeker")
    await s.say("Anna", "Minder tijd")
    await s.press_label("Anna", "Afronden")
    await w.tick()
    result = w.channel()[-2]
    assert "Check-in 1 — Tafel: klopt de balans nog?" in result
    assert "Let op de balans" in result and "Minder tijd" in result
    assert w.trends[0].y_labels[4] == "Ik breng veel meer dan ik haal"
    assert w.trends[0].x_title == "Ronde"
    await w.runtime.stop()


async def test_interest_rounds_and_check_ins_are_counted_separately(world: CheckinWorld):
    w, s = world, world.session
    await interest_round(w, Anna="About even")
    await s.command("Dewi", "/checkin now")
    await answer_checkin(w, "Anna", "About even", "Yes")
    await w.tick()  # the nudged scheduler may already have closed it: either way, once
    assert count(w.channel(), "Check-in 1 — Tafel") == 1
    await s.command("Dewi", "/round")
    assert count(w.channel(), "Round 2 has started") == 1  # not "round 3"
    await s.command("Dewi", "/cancel")
    assert count(w.channel(), "Round 2 has been cancelled") == 1
    await s.command("Dewi", "/checkin now")
    await answer_checkin(w, "Anna", "About even", "Yes")
    await w.tick()  # the nudged scheduler may already have closed it: either way, once
    assert count(w.channel(), "Check-in 2 — Tafel") == 1


async def test_a_slide_toward_even_is_warned_and_a_no_suggests_a_new_round(world: CheckinWorld):
    w, s = world, world.session
    await interest_round(w, Anna="I get a bit more", Bram="About even")
    await s.command("Dewi", "/checkin now")
    await answer_checkin(w, "Anna", "About even", "No")
    await answer_checkin(w, "Bram", "About even", "Yes")  # was even already: no warning
    await w.tick()
    result = next(t for t in w.channel() if "Check-in 1 — Tafel" in t)
    assert "Watch the balance" in result
    assert "Anna: got more than they brought before, now it is about even." in result
    assert "Bram: got more" not in result
    assert "A new interest round (/round) puts everyone's interests on the table again." in result

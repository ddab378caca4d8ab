"""A whole interest round through the runtime, the local adapter and a real database."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime
from conversations.events import ChannelCommand, Person, PrivateText

from .conftest import Local, answer_everything, setup_round, start_local


async def test_a_complete_round_with_three_partners(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna", "Bram", "Chris")
    for name in ("anna", "bram", "chris"):
        assert "Welcome to Op Tafel" in ad.inbox(name)[0].text
    await answer_everything(s, "Anna", "Municipality", gets=("Knowledge",), gives=("Money",),
                            balance="I get a bit more")
    await answer_everything(s, "Bram", "Welfare", gets=("Money",), gives=("Knowledge",),
                            balance="I bring much more")
    await s.command("Dewi", "/status")
    status = ad.notices("dewi")[-1].text
    assert "Anna: ✓ sealed" in status and "Chris: not started yet" in status
    assert "Municipality" not in status and "honesty" not in status
    await answer_everything(s, "Chris", "School", gets=("Capacity",), gives=("Facilities",))
    assert "Everyone in Tafel has sealed" in ad.inbox("dewi")[-1].text
    await s.command("Dewi", "/reveal")
    reveal = ad.channel("tafel")[-2].text
    assert "Who can help whom" in ad.channel("tafel")[-1].text  # a short message of its own
    assert "3 of 3 partners took part" in reveal
    for expected in ("Municipality", "Anna's own interest", "Bram's board gets a memo",
                     "Knowledge: Anna wants it; Bram brings it",  # a match
                     "Capacity (people, time): wanted by Chris",  # an open need
                     "Facilities: offered by Chris",  # an unused offer
                     "Watch the balance: Bram"):
        assert expected in reveal
    await s.command("Dewi", "/reveal")
    assert ad.notices("dewi")[-1].text.startswith("This round has already been revealed")
    assert sum("On the table" in m.text for m in ad.channel("tafel")) == 1


async def test_nobody_sees_an_answer_before_the_reveal(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna", "Bram")
    await answer_everything(s, "Anna", "Secret Org")
    await s.command("Bram", "/status")
    await s.command("Dewi", "/status")
    await s.command("Dewi", "/reveal")
    await s.command("Dewi", "/export")
    outside_anna = [m for m in ad.messages if m.place not in ("dm:anna",)]
    assert not any("Secret Org" in m.text or "Anna's own interest" in m.text
                   for m in outside_anna)
    assert "Still waiting for: Bram" in ad.notices("dewi")[-2].text


async def test_reveal_force_names_who_did_not_answer_and_leaves_their_answers_out(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna", "Bram")
    await answer_everything(s, "Anna", "Municipality")
    await answer_everything(s, "Bram", "Unsealed Org", seal=False)
    await s.command("Dewi", "/reveal force")
    reveal = ad.channel("tafel")[-1].text
    assert "1 of 2 partners took part" in reveal and "Not (yet) answered: Bram" in reveal
    assert "Unsealed Org" not in reveal and "Municipality" in reveal


async def test_answers_are_frozen_after_the_reveal(local: Local):
    s = local.session
    await setup_round(local, "Anna")
    await answer_everything(s, "Anna", "Municipality")
    review = s.last_with_buttons("Anna")
    await s.command("Dewi", "/reveal")
    await s.press_label("Anna", "Change 2", review)
    assert "can no longer be changed" in s.last("Anna").text
    await s.say("Anna", "a late thought")
    assert "no open questions" in s.last("Anna").text


async def test_coordinator_rules_and_bad_commands(local: Local):
    s, ad = local.session, local.adapter
    await s.command("Anna", "/round")
    assert "not set up for Op Tafel yet" in ad.notices("anna")[-1].text
    await s.command("Dewi", "/setup")
    await s.command("Anna", "/setup")
    assert "already set up" in ad.notices("anna")[-1].text
    for command in ("/round", "/reveal", "/partners @anna", "/remind", "/cancel",
                    "/anonymous on", "/language nl", "/coordinator @anna", "/export"):
        await s.command("Anna", command)
        refusal = ad.notices("anna")[-1].text
        assert "Only a coordinator" in refusal and "Dewi" in refusal, command
    await s.command("Dewi", "/frobnicate")
    assert 'I don\'t know the command "frobnicate"' in ad.notices("dewi")[-1].text
    assert "/reveal force" in ad.notices("dewi")[-1].text  # the help follows
    await s.command("Dewi", "/coordinator @Anna")
    await s.command("Anna", "/partners @Bram")
    assert "The partners: Bram." in ad.channel("tafel")[-1].text
    await s.command("Dewi", "/language xx")
    assert "/language nl" in ad.notices("dewi")[-1].text
    await s.command("Dewi", "/round")
    await s.command("Dewi", "/round")
    assert "already open" in ad.notices("dewi")[-1].text


async def test_a_stranger_in_private_is_told_how_to_join(local: Local):
    await local.session.say("Zoe", "hello?")
    assert "not part of a partnership" in local.session.last("Zoe").text
    await local.session.private_command("Zoe", "/status")
    assert "not part of a partnership" in local.session.last("Zoe").text


async def test_too_long_and_marked_up_answers(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna")
    await s.press_label("Anna", "Let's start")
    await s.say("Anna", "x" * 2001)
    assert "the limit is 2000" in s.last("Anna").text
    assert "Which organisation" in s.last("Anna").text  # the same step, asked again
    marked_up = "<b>Org</b> <!channel> <@U123> & co"
    await s.say("Anna", marked_up)
    assert "3/11" in s.last("Anna").text
    await s.command("Dewi", "/reveal force")
    assert "Nobody has sealed" in ad.notices("dewi")[-1].text  # unsealed: nothing revealed
    await s.say("Anna", "Our interest")
    await s.say("Anna", "My interest")
    await s.press_label("Anna", "Done, next")  # nothing ticked: asked again, not skipped
    assert "haven't ticked anything" in s.last("Anna").text and "5/11" in s.last("Anna").text
    await s.press_label("Anna", "Skip")  # get
    await s.press_label("Anna", "Skip")  # give
    await s.press_label("Anna", "Skip")  # balance
    await s.press_label("Anna", "Skip")  # ambition
    await s.press_label("Anna", "Skip")
    await s.press_label("Anna", "Skip")
    await s.press_label("Anna", "Seal my answers")
    await s.command("Dewi", "/reveal")
    # The text arrives exactly as typed: nothing interpreted as formatting or mention.
    assert f"@Anna — {marked_up}" in ad.channel("tafel")[-1].text


async def test_language_and_anonymous_mode(local: Local):
    s, ad = local.session, local.adapter
    await s.command("Dewi", "/setup")
    await s.command("Dewi", "/language nl")
    assert "Nederlands" in ad.channel("tafel")[-1].text
    await s.command("Dewi", "/anonymous on")
    await s.command("Dewi", "/partners @Anna @Bram")
    await s.command("Dewi", "/round")
    assert "anoniem" in ad.inbox("anna")[0].text
    await s.command("Dewi", "/language en")
    for who, organisation in (("Anna", "Municipality"), ("Bram", "Welfare")):
        await s.press_label(who, "Ik begin")  # the welcome came in Dutch; now it is English
        await answer_everything(s, who, organisation, started=True)
    await s.command("Dewi", "/reveal")
    reveal = ad.channel("tafel")[-1].text
    assert "Partner A" in reveal and "Partner B" in reveal
    assert "Municipality" not in reveal and "Welfare" not in reveal and "@" not in reveal
    # The name only occurs inside Anna's own answers ("Anna's own interest"), never as a label.
    assert reveal.count("Anna") == reveal.count("Anna's")


async def test_a_restart_continues_where_each_partner_was(engine, clock):
    first = await start_local(engine, clock)
    await setup_round(first, "Anna", "Bram")
    await first.session.press_label("Anna", "Let's start")
    await first.session.say("Anna", "Municipality")
    await first.runtime.stop()

    second = await start_local(engine, clock)
    await second.session.say("Anna", "Our interest")
    assert "4/11" in second.session.last("Anna").text
    await second.session.say("Bram", "hello")
    assert "Let's start" in second.session.last("Bram").text  # Bram is still at the welcome
    await second.runtime.stop()


async def test_the_same_platform_event_twice_has_effect_once(local: Local):
    event = ChannelCommand("tafel", "Tafel", Person("dewi", "Dewi"), "setup")
    assert await local.runtime.handle("local", event, event_id="E1")
    assert not await local.runtime.handle("local", event, event_id="E1")
    await local.runtime.drain()
    assert len(local.adapter.channel("tafel")) == 1
    assert local.adapter.notices("dewi") == []
    text = PrivateText(Person("zoe", "Zoe"), "hi")
    assert await local.runtime.handle("local", text, event_id="E1-other")


async def test_two_coordinators_reveal_at_once_and_it_is_posted_once(engine, clock):
    import asyncio

    a = await start_local(engine, clock)
    await setup_round(a, "Anna")
    await a.session.command("Dewi", "/coordinator @Bram")
    await answer_everything(a.session, "Anna", "Municipality")
    b = await start_local(engine, clock)  # a second process on the same database
    reveal = ChannelCommand("tafel", "Tafel", Person("dewi", "Dewi"), "reveal")
    other = ChannelCommand("tafel", "Tafel", Person("bram", "Bram"), "reveal")
    await asyncio.gather(a.runtime.handle("local", reveal), b.runtime.handle("local", other))
    await asyncio.gather(a.runtime.drain(), b.runtime.drain())
    posted = [m for m in a.adapter.channel("tafel") + b.adapter.channel("tafel")
              if "On the table" in m.text]
    assert len(posted) == 1
    await a.runtime.stop()
    await b.runtime.stop()


@pytest.mark.parametrize("language,expected", [("nl", "Welkom"), ("en", "Welcome")])
async def test_partnership_language_is_chosen_per_partnership(engine, clock, language, expected):
    started = await start_local(engine, clock, language=language)
    await setup_round(started, "Anna")
    assert started.adapter.inbox("anna")[0].text.startswith(expected)
    assert isinstance(started.runtime, Runtime)
    await started.runtime.stop()


async def test_two_setups_at_once_make_one_partnership(engine, clock):
    import asyncio

    a = await start_local(engine, clock)
    b = await start_local(engine, clock)
    first = ChannelCommand("tafel", "Tafel", Person("dewi", "Dewi"), "setup")
    second = ChannelCommand("tafel", "Tafel", Person("bram", "Bram"), "setup")
    await asyncio.gather(a.runtime.handle("local", first), b.runtime.handle("local", second))
    await asyncio.gather(a.runtime.drain(), b.runtime.drain())
    posts = a.adapter.channel("tafel") + b.adapter.channel("tafel")
    notices = a.adapter.notices("bram") + b.adapter.notices("dewi") + a.adapter.notices(
        "dewi") + b.adapter.notices("bram")
    assert len(posts) == 1 and len(notices) == 1 and "already set up" in notices[0].text
    await a.runtime.stop()
    await b.runtime.stop()


async def test_the_last_partner_seals_while_the_coordinator_reveals(engine, clock):
    """Whichever wins, nothing is lost: the seal is in the reveal, or the reveal waits."""
    import asyncio

    from conversations.events import ButtonPress

    a = await start_local(engine, clock)
    await setup_round(a, "Anna", "Bram")
    await answer_everything(a.session, "Anna", "Municipality")
    await answer_everything(a.session, "Bram", "Welfare", seal=False)
    seal = a.session.last_with_buttons("Bram").button("Seal my answers")
    b = await start_local(engine, clock)
    await asyncio.gather(
        a.runtime.handle("local", ButtonPress(Person("bram", "Bram"), seal.payload)),
        b.runtime.handle("local", ChannelCommand("tafel", "Tafel", Person("dewi", "Dewi"),
                                                 "reveal")),
    )
    await asyncio.gather(a.runtime.drain(), b.runtime.drain())
    reveals = [m.text for m in a.adapter.channel("tafel") + b.adapter.channel("tafel")
               if "On the table" in m.text]
    # Both processes deliver from the one outbox: look at what either delivered.
    bram = a.adapter.inbox("bram") + b.adapter.inbox("bram")
    sealed = any("answers are sealed" in m.text for m in bram)
    if reveals:
        assert sealed and "Welfare" in reveals[0] and "2 of 2" in reveals[0]
    else:
        assert sealed
        told = [m.text for m in a.adapter.notices("dewi") + b.adapter.notices("dewi")]
        assert any("Still waiting for: Bram" in t for t in told)
    await a.runtime.stop()
    await b.runtime.stop()


async def test_the_shared_ambition_from_round_to_interview_to_reveal(local: Local):
    s, ad = local.session, local.adapter
    await s.command("Dewi", "/setup")
    await s.command("Dewi", "/partners @Anna @Bram")
    await s.command("Dewi", "/round Every child a school within 5 km")
    assert "The shared ambition: Every child a school within 5 km" in ad.channel("tafel")[-1].text
    await answer_everything(s, "Anna", "Municipality")
    assert any("The shared ambition, as the coordinator put it:\nEvery child a school within 5 km"
               in m.text for m in ad.inbox("anna"))
    await answer_everything(s, "Bram", "School")
    await s.command("Dewi", "/reveal")
    reveal = ad.channel("tafel")[-1].text
    assert "The ambition: Every child a school within 5 km" in reveal
    assert "Realistic, and willing to invest in it: Anna and Bram" in reveal
    await s.command("Dewi", "/round")  # without text: the ambition carries over
    opened = ad.channel("tafel")[-1].text
    assert "Round 2 has started" in opened
    assert ("The shared ambition (the same as in the previous round): "
            "Every child a school within 5 km") in opened


async def test_a_round_without_an_ambition_asks_about_the_aims(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna")
    assert "No shared ambition was given" in ad.channel("tafel")[-1].text
    await answer_everything(s, "Anna", "Municipality")
    assert any("No shared ambition was stated for this round. Think of what you want to "
               "achieve together" in m.text for m in ad.inbox("anna"))


async def test_agreements_after_the_reveal(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna", "Bram")
    await answer_everything(s, "Anna", "Municipality", gets=("Knowledge",), gives=("Money",))
    await answer_everything(s, "Bram", "Welfare", gets=("Money",), gives=("Knowledge",))
    await s.command("Dewi", "/reveal")
    await s.command("Anna", "/agree @Bram a monthly knowledge session until June")
    assert ("Proposed agreement 1 (by Anna): Bram brings for Anna: a monthly knowledge "
            "session until June") in ad.channel("tafel")[-1].text
    await s.command("Anna", "/confirm 1")
    assert ad.notices("anna")[-1].text.startswith("Only Bram can confirm agreement 1")
    await s.command("Bram", "/confirm 1")
    assert "Agreement 1 stands" in ad.channel("tafel")[-1].text
    await s.command("Bram", "/agree @Anna")
    assert ad.notices("bram")[-1].text.startswith("Name who brings something, and what")
    await s.command("Dewi", "/agree @Anna @Bram funding for the pilot")  # Dewi: no partner
    assert "Anna brings for Bram: funding for the pilot" in ad.channel("tafel")[-1].text
    await s.command("Dewi", "/agree @Anna the minutes")  # for the partnership as a whole
    assert "Anna brings: the minutes" in ad.channel("tafel")[-1].text
    await s.command("Bram", "/afspraken")  # the Dutch name works too
    assert ("1. Bram brings for Anna: a monthly knowledge session until June — confirmed"
            in ad.channel("tafel")[-1].text)
    await s.command("Bram", "/agreements close 1")
    assert "Only a coordinator can use" in ad.notices("bram")[-1].text
    await s.command("Dewi", "/agreements edit 1 a monthly knowledge session until July")
    assert "Agreement 1 was changed" in ad.channel("tafel")[-1].text
    await s.command("Dewi", "/agreements")
    assert ("1. Bram brings for Anna: a monthly knowledge session until July — waiting for "
            "confirmation" in ad.channel("tafel")[-1].text)
    await s.command("Dewi", "/agreements close 1")
    await s.command("Dewi", "/export")
    exported = ad.inbox("dewi")[-1].text
    assert "On the table" in exported
    assert "1. Bram brings for Anna: a monthly knowledge session until July — closed" in exported

"""Dutch as a coordinator reads it: Dutch command names, lists, and hints only for who can act."""

from __future__ import annotations

from .conftest import start_local


async def test_dutch_command_names_and_lists(engine, clock):
    local = await start_local(engine, clock, language="nl")
    s, ad = local.session, local.adapter
    try:
        await s.command("Dewi", "/inrichten")
        assert "Op Tafel staat klaar in Tafel" in ad.channel("tafel")[-1].text
        await s.command("Dewi", "/partners Anna Bram Chris")
        assert ad.channel("tafel")[-1].text == "De partners: Anna, Bram en Chris."
        await s.command("Dewi", "/partners verwijder Chris")
        assert ad.channel("tafel")[-1].text == "De partners: Anna en Bram."
        await s.command("Dewi", "/ronde")
        assert "Welkom bij Op Tafel" in s.last("Anna").text
        await s.command("Dewi", "/deel")  # nobody has answered yet: nothing on the table
        assert "nog niets op tafel te leggen" in ad.notices("dewi")[-1].text
        await s.private_command("Anna", "/wijzig")  # = edit
        assert "Aan het eind kun je al je antwoorden nalezen" in s.last("Anna").text
        await s.command("Dewi", "/hulp")
        shown = ad.notices("dewi")[-1].text
        assert "/deel toch" in shown and "/ronde" in shown and "/reveal" not in shown
        await s.command("Dewi", "/status")  # English names still work
        assert "Plan ze met /checkin elke 4 weken maandag 09:00" in ad.notices("dewi")[-1].text
        await s.command("Anna", "/status")  # a partner cannot plan check-ins: no hint
        assert "Plan ze" not in ad.notices("anna")[-1].text
    finally:
        await local.runtime.stop()


async def test_a_dutch_sub_word_only_changes_the_commands_that_have_it(engine, clock):
    """`ronde weg met …` is an ambition; `weg` means remove only after `partners`."""
    local = await start_local(engine, clock, language="nl")
    s, ad = local.session, local.adapter
    try:
        await s.command("Dewi", "/inrichten")
        await s.command("Dewi", "/partners Anna Bram Chris")
        await s.command("Dewi", "/partners weg Chris")
        assert ad.channel("tafel")[-1].text == "De partners: Anna en Bram."
        await s.command("Dewi", "/ronde weg met de wachtlijsten")
        opened = "\n".join(m.text for m in ad.channel("tafel")[-2:])
        assert "De gezamenlijke ambitie: weg met de wachtlijsten" in opened
    finally:
        await local.runtime.stop()

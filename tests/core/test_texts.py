"""Dutch and English say the same things, and every text renders."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from jinja2 import Environment, FileSystemLoader, nodes

import conversations
from conversations import categories
from conversations.agreements import AgreementView
from conversations.checkin import CameFor, CheckinPrompter, CheckinStep
from conversations.model import Interview, Member, Round, RoundKind, RoundStatus, Step
from conversations.texts import Texts

from .builders import NOW, table

TEMPLATES = Path(conversations.__file__).parent / "templates"


def _macros(language: str) -> dict[str, list[str]]:
    env = Environment(loader=FileSystemLoader(TEMPLATES))
    tree = env.parse((TEMPLATES / f"{language}.j2").read_text())
    return {m.name: [a.name for a in m.args] for m in tree.find_all(nodes.Macro)}


def test_every_text_exists_in_dutch_and_english_with_the_same_parameters():
    assert _macros("nl") == _macros("en")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_user_text_is_escaped_in_every_language(language):
    t = Texts(language, "slack")
    out = t.markup("invite_closed", partnership="<b>x</b> & <!channel>")
    assert "<b>x</b>" not in out and "&lt;!channel&gt;" in out and "&amp;" in out


@pytest.mark.parametrize("language,reveal", [("nl", "deel"), ("en", "reveal")])
def test_help_shows_commands_the_way_the_platform_types_them(language, reveal):
    assert f"/optafel {reveal}" in Texts(language, "slack").markup("help_channel", command="x")
    telegram = Texts(language, "telegram").markup("help_channel", command="x")
    assert f"/{reveal}" in telegram and "/optafel" not in telegram


def test_dutch_is_the_default():
    assert Texts("xx").language == "nl"
    assert "Welkom" in Texts("xx").markup("welcome", partnership="P", anonymous=False)


@pytest.mark.parametrize("language,one,two", [
    ("nl", "1 van de 3 partners heeft geantwoord. We wachten nog op: Bram en Chris.",
     "2 van de 3 partners hebben geantwoord. We wachten nog op: Chris."),
    ("en", "1 of 3 partners has answered. Still waiting for: Bram and Chris.",
     "2 of 3 partners have answered. Still waiting for: Chris."),
])
def test_counts_take_the_languages_own_plural(language, one, two):
    """Babel's plural rules: one partner has answered, two have."""
    t = Texts(language)

    def waiting(answered: int, missing: list[str]) -> str:
        r = {"answered": answered, "invited": 3, "missing": missing}
        return str(t.markup("reveal_waiting", r=r))

    assert waiting(1, ["Bram", "Chris"]).startswith(one)
    assert waiting(2, ["Chris"]).startswith(two)
    alone = {"answered": 1, "invited": 1, "missing": [], "round_number": 1}
    took_part = str(t.markup("reveal_header", name="Tafel", r=alone))
    assert ("1 van de 1 partner deed mee." if language == "nl"
            else "1 of 1 partner took part.") in took_part


@pytest.mark.parametrize("language,one,two", [
    ("nl", "Bram twijfelt.", "Anna en Bram twijfelen."),
    ("en", "Bram has doubts.", "Anna and Bram have doubts."),
])
def test_a_verb_agrees_with_how_many_people_it_is_about(language, one, two):
    t = Texts(language)
    assert str(t.markup("checkin_question_doubt", who=["Bram"])).startswith(one)
    assert str(t.markup("checkin_question_doubt", who=["Anna", "Bram"])).startswith(two)


@pytest.mark.parametrize("calque", ["onthul", "verzegel", "klaar voor de ambitie",
                                    "hij of zij", "houdt de eigen achterban", "je regel:",
                                    "heeft zijn antwoorden"])
def test_dutch_texts_have_none_of_the_calques_a_dutch_reader_stumbled_on(calque):
    """Answers go "op tafel" and are "afgerond" rather than unsealed or sealed (issue 13)."""
    assert calque not in (TEMPLATES / "nl.j2").read_text().lower()


@pytest.mark.parametrize("phrase", ["your line:", "ready for the ambition", "money and means",
                                    "keeps the time of"])
def test_english_texts_have_none_of_the_phrases_an_english_reader_stumbled_on(phrase):
    assert phrase not in (TEMPLATES / "en.j2").read_text().lower()


# --- the texts of agreements, check-ins and "who can help whom" (issue 12) -------------------
def _agreement(number: int, giver: str, *receivers: str) -> AgreementView:
    return AgreementView(number, "a monthly session", giver, giver.lower(), receivers, "Dewi",
                         "confirmed", (giver.lower(), *(r.lower() for r in receivers)))


ONE, TWO = _agreement(1, "Bram", "Anna"), _agreement(2, "Anna", "Bram", "Chris")


@pytest.mark.parametrize("language,one,several", [
    ("nl", "Afspraak 1 wordt niet of maar deels nagekomen.",
     "Afspraken 1 en 2 worden niet of maar deels nagekomen."),
    ("en", "Agreement 1 is not kept, or only partly.",
     "Agreements 1 and 2 are not kept, or only partly."),
])
def test_agreements_not_kept_are_named_in_the_plural_when_there_are_several(
        language, one, several):
    t = Texts(language)
    assert str(t.markup("checkin_question_kept", agreements=[ONE])).startswith(one)
    assert str(t.markup("checkin_question_kept", agreements=[ONE, TWO])).startswith(several)


@pytest.mark.parametrize("language,one,several", [
    ("nl", ("Je bent betrokken bij deze afspraak. Is die tot nu toe nagekomen?", "Kies een "
            "antwoord,"),
     ("Je bent betrokken bij deze afspraken. Zijn ze tot nu toe nagekomen?",
      "Kies bij elke afspraak een antwoord (op de knoppen staat het nummer),")),
    ("en", ("You are part of this agreement. Has it been kept so far?", "Choose an answer,"),
     ("You are part of these agreements. Have they been kept so far?",
      "Choose an answer for each agreement (the buttons carry its number),")),
])
def test_the_check_in_asks_about_one_agreement_or_several_in_their_number(
        language, one, several):
    partnership = replace(table("anna", "bram").partnership, language=language)
    rnd = Round(2, RoundKind.CHECKIN, RoundStatus.OPEN, NOW, token="tok")
    anna = Member("anna", "Anna", is_partner=True)
    at = Interview(2, "anna", Step(CheckinStep.AGREEMENTS))
    for agreements, (question, choose) in (((ONE,), one), ((ONE, TWO), several)):
        asked = CheckinPrompter(partnership, rnd, anna, agreements=agreements).question(at)
        assert any(s.startswith(f"{question}\n1. ") for s in asked.sections)
        assert any(s.startswith(choose) for s in asked.sections)


@pytest.mark.parametrize("language,one,two", [
    ("nl", "Ik vraag Anna privé hoe het gaat: wat die partner nu haalt en brengt, of de "
           "samenwerking nog oplevert waarvoor die kwam, of de eigen achterban",
     "Ik vraag Anna en Bram privé hoe het gaat: wat ze nu halen en brengen, of de "
     "samenwerking nog oplevert waarvoor ze kwamen, of de afspraken worden nagekomen, of de "
     "eigen achterban"),
    ("en", "I'm asking Anna privately how it is going: what they get and bring now, whether "
           "the collaboration still delivers what they came for, whether their own people",
     "I'm asking Anna and Bram privately how it is going: what they get and bring now, "
     "whether the collaboration still delivers what they came for, whether the agreements "
     "are kept, whether their own people"),
])
def test_the_check_in_announcement_agrees_with_how_many_partners_and_asks_about_agreements_only_if_there_are_any(  # noqa: E501
        language, one, two):
    t = Texts(language)
    assert one in t.markup("checkin_opened", partners=["Anna"], closes=None, agreements=False)
    assert two in t.markup("checkin_opened", partners=["Anna", "Bram"], closes=None,
                           agreements=True)


@pytest.mark.parametrize("language,recalled", [
    ("nl", "In ronde 1 wilde je halen: kennis, netwerk en toegang, geld en middelen, reputatie "
           "en zichtbaarheid, het voortbestaan van je eigen organisatie, capaciteit (mensen, "
           "tijd), invloed (deuren openen, meebeslissen), voorzieningen en iets anders — "
           "“een rustige ruimte”."),
    ("en", "In round 1 you wanted to get: knowledge, network and access, money and resources, "
           "reputation and visibility, the continuity of your own organisation, capacity "
           "(people, time), influence (opening doors, a say in decisions), facilities and "
           "something else — “a quiet room”."),
])
def test_what_a_partner_came_for_names_every_category_as_a_sentence_needs_it(
        language, recalled):
    """With an article for continuity ("het voortbestaan van je eigen organisatie") and no
    label's own colon in the middle of the sentence."""
    partnership = replace(table("anna").partnership, language=language)
    rnd = Round(2, RoundKind.CHECKIN, RoundStatus.OPEN, NOW, token="tok")
    note = "een rustige ruimte" if language == "nl" else "a quiet room"
    came = CameFor(1, categories.GET, note)
    anna = Member("anna", "Anna", is_partner=True)
    at = Interview(2, "anna", Step(CheckinStep.DELIVERS))
    asked = CheckinPrompter(partnership, rnd, anna, came).question(at)
    assert recalled in asked.sections
    # A note with its own full stop ends the sentence: no second one after the quote.
    came = CameFor(1, (), f"{note}.")
    asked = CheckinPrompter(partnership, rnd, anna, came).question(at)
    assert asked.sections[-1].endswith(f"“{note}.”")


@pytest.mark.parametrize("language,gives,help_line", [
    ("nl", "Bram biedt een deel van de eigen autonomie aan, maar niemand vroeg erom.",
     "• <b>Anna</b> — kan halen: kennis bij Bram; invloed (deuren openen, meebeslissen) bij "
     "Chris en Dewi (en samen: het voortbestaan van de eigen organisatie) · brengt: geld en "
     "middelen voor Bram en Chris"),
    ("en", "Bram offers some of their own autonomy, but nobody asked for it.",
     "• <b>Anna</b> — can get: knowledge from Bram; influence (opening doors, a say in "
     "decisions) from Chris and Dewi (and together: the continuity of their own organisation)"
     " · brings: money and resources to Bram and Chris"),
])
def test_categories_read_as_part_of_a_sentence_about_a_partner(language, gives, help_line):
    """Bram's autonomy is not "ours"; "brengt … voor" rather than the calque "naar"."""
    t = Texts(language)
    cat = t.category_labels()
    assert str(t.markup("question_unused", category="autonomy", who=["Bram"], cat=cat)
               ).startswith(gives)
    anna = SimpleNamespace(who="Anna", gets=[("knowledge", ["Bram"]),
                                             ("influence", ["Chris", "Dewi"])],
                           together=["continuity"], brings=[("money", ["Bram", "Chris"])])
    assert help_line in t.markup("helping", views=[anna], cat=cat, buttons=True,
                                 anonymous=False, rest=[])

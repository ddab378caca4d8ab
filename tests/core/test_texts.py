"""Dutch and English say the same things, and every text renders."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, nodes

import conversations
from conversations.texts import Texts

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

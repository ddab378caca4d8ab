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

"""What people type in Slack, as the core receives it."""

from __future__ import annotations

from bot.slack.commands import Typed, is_private_place, parse_command
from bot.slack.incoming import to_plain_text


def test_slash_command_text_with_escaped_mentions() -> None:
    assert parse_command("partners <@U0A1|anna> <@U0B2> <@U0A1|anna>") == Typed(
        "partners", (), (("U0A1", "anna"), ("U0B2", "")))
    assert parse_command("partners remove <@U0A1|anna>") == Typed(
        "partners", ("remove",), (("U0A1", "anna"),))
    assert parse_command("  Reveal   force ") == Typed("reveal", ("force",))
    assert parse_command("") == Typed("help")
    assert parse_command("checkin every 4 weeks monday 9") == Typed(
        "checkin", ("every", "4", "weeks", "monday", "9"))


def test_where_a_command_was_typed() -> None:
    assert is_private_place("D0123", "directmessage")
    assert not is_private_place("C0123", "samen-sterk")
    assert not is_private_place("G0123", "privategroup")


def test_message_text_back_to_what_was_typed() -> None:
    typed = ("&lt;!channel&gt; &amp; <!here> <@U0B2> <@U0A1|anna> <#C1|general> "
             "<https://example.org|example.org> <https://x.example|click> <mailto:a@b.nl|a@b.nl>")
    assert to_plain_text(typed, {"U0B2": "bert"}) == (
        "<!channel> & @here @bert @anna #general example.org click (https://x.example) a@b.nl")

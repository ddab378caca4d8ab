"""The Telegram renderer: what a Telegram user would see, and what Telegram would accept."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render.markup import plain
from bot.telegram.render import (
    TEXT_LIMIT,
    RenderError,
    TelegramMessage,
    keyboard,
    render,
    text_length,
)
from conversations.messages import Button, Message, MultiSelect
from tests.fakes.telegram_api import parse_html, utf16_length


def user(text: str) -> str:
    """User text as the core's templates put it into markup: autoescaped."""
    return html.escape(text, quote=False)


def seen(part: TelegramMessage) -> str:
    """What Telegram shows for a part (and proof that Telegram can parse it)."""
    return parse_html(part.html)


def squash(text: str) -> str:
    return "".join(text.split())


def test_user_text_is_shown_literally_and_never_parsed_as_html() -> None:
    typed = "Wij willen <b>alles</b> & meer </a> <script>x</script> &amp; 1 < 2"
    [part] = render(Message((f"<b>Antwoord</b>: {user(typed)}",)))
    assert seen(part) == f"Antwoord: {typed}"
    assert part.html.startswith("<b>Antwoord</b>: ")
    assert "<script>" not in part.html and "</a>" not in part.html


def test_bold_italic_and_nested_formatting() -> None:
    [part] = render(Message(("<b>vet <i>schuin</i></b> en <i>alleen schuin</i>",)))
    assert part.html == "<b>vet </b><b><i>schuin</i></b> en <i>alleen schuin</i>"
    assert seen(part) == "vet schuin en alleen schuin"


def test_mentions_of_numeric_ids_link_to_the_user() -> None:
    markup = ('<mention id="4242">Ann &lt;3</mention> en <mention id="U123">Bob</mention>'
              ' en <b><mention id="7">Cas</mention></b>')
    [part] = render(Message((markup,)))
    assert part.html == ('<a href="tg://user?id=4242">Ann &lt;3</a> en Bob en '
                         '<b><a href="tg://user?id=7">Cas</a></b>')
    assert seen(part) == "Ann <3 en Bob en Cas"


def test_sections_are_paragraphs_and_lines_are_kept() -> None:
    [part] = render(Message(("<b>Kop</b>", "• een\n• twee", "slot")))
    assert seen(part) == "Kop\n\n• een\n• twee\n\nslot"


def test_a_long_message_is_split_between_sections_in_order_and_complete() -> None:
    sections = tuple(f"<b>Partner {n}</b>\n" + user(f"belang {n} & <meer> ") * 40
                     for n in range(30))
    parts = render(Message(sections))
    assert len(parts) > 1
    for part in parts:
        assert utf16_length(seen(part)) <= TEXT_LIMIT
    assert squash("".join(seen(p) for p in parts)) == squash(
        "".join(plain(s) for s in sections))
    # Every part starts with a whole section: nothing was split inside one.
    for part in parts:
        assert seen(part).startswith("Partner ")


def test_one_section_longer_than_a_message_is_split_at_line_boundaries() -> None:
    lines = [f"• regel {n}: " + "x" * 90 for n in range(100)]
    section = "\n".join(lines)
    parts = render(Message(("<b>Open</b>", section, "<i>einde</i>")))
    assert len(parts) >= 3
    for part in parts:
        text = seen(part)
        assert utf16_length(text) <= TEXT_LIMIT
        for line in text.split("\n"):
            assert line in lines or line in ("Open", "einde", "")
    assert squash("".join(seen(p) for p in parts)) == squash("Open" + section + "einde")


def test_one_line_longer_than_a_message_is_split_between_words_then_anywhere() -> None:
    words = " ".join(f"woord{n}" for n in range(1200))  # about 10,000 characters
    giant = "🙂" * 3000  # 6,000 UTF-16 code units, one "word"
    section = f"<b>{user(words)}</b> {giant}"
    parts = render(Message((section,)))
    for part in parts:
        assert text_length(seen(part)) <= TEXT_LIMIT
        assert "\ud83d" not in part.html  # no emoji cut in half
    assert squash("".join(seen(p) for p in parts)) == squash(words + giant)
    assert all(seen(p).split()[0].startswith(("woord", "🙂")) for p in parts)


def test_emoji_count_as_two_like_telegram_counts_them() -> None:
    section = "😀" * 2100  # 2,100 characters but 4,200 UTF-16 code units
    parts = render(Message((section,)))
    assert len(parts) == 2
    assert "".join(seen(p) for p in parts) == section


def test_keyboard_goes_with_the_last_part_only() -> None:
    sections = tuple("x" * 3000 for _ in range(3))
    parts = render(Message(sections, ((Button("Verder", "1:1:5:next"),),)))
    assert [bool(p.keyboard) for p in parts] == [False, False, True]
    assert parts[-1].reply_markup_json() == {
        "inline_keyboard": [[{"text": "Verder", "callback_data": "1:1:5:next"}]]}


def test_multiselect_toggles_show_a_check_on_chosen_options_two_per_row() -> None:
    options = tuple(Button(label, f"1:1:5:t:{label}", selected=label in ("kennis", "geld"))
                    for label in ("kennis", "netwerk", "geld", "imago", "overig"))
    message = Message(("Wat wil je halen?",), ((Button("Verder", "1:1:5:next", primary=True),
                                               Button("Overslaan", "1:1:5:skip")),),
                      MultiSelect(options))
    rows = [[(b.text, b.callback_data) for b in row] for row in keyboard(message)]
    assert rows == [
        [("✓ kennis", "1:1:5:t:kennis"), ("netwerk", "1:1:5:t:netwerk")],
        [("✓ geld", "1:1:5:t:geld"), ("imago", "1:1:5:t:imago")],
        [("overig", "1:1:5:t:overig")],
        [("Verder", "1:1:5:next"), ("Overslaan", "1:1:5:skip")],
    ]


def test_a_join_button_is_a_deep_link_to_the_bot() -> None:
    message = Message(("Ronde 1 is begonnen.",),
                      ((Button("Doe mee", "join:AbC_9-x", join_token="AbC_9-x"),),))
    [part] = render(message, bot_username="OpTafelBot")
    assert part.reply_markup_json() == {"inline_keyboard": [[
        {"text": "Doe mee", "url": "https://t.me/OpTafelBot?start=AbC_9-x"}]]}
    # Without the bot's username the press still names the invitation.
    [fallback] = render(message)
    assert fallback.keyboard[0][0].callback_data == "join:AbC_9-x"


def test_a_token_that_is_no_valid_start_parameter_is_refused() -> None:
    message = Message(("x",), ((Button("Doe mee", "join:a b", join_token="a b"),),))
    with pytest.raises(RenderError):
        render(message, bot_username="OpTafelBot")


def test_callback_data_must_fit_64_bytes() -> None:
    fits = "1:1:5:" + "é" * 29  # 64 bytes
    assert render(Message(("x",), ((Button("ok", fits),),)))[0].keyboard
    with pytest.raises(RenderError):
        render(Message(("x",), ((Button("te lang", fits + "x"),),)))


def test_button_labels_are_one_line() -> None:
    [part] = render(Message(("x",), ((Button("twee\nregels", "a"),),)))
    assert part.keyboard[0][0].text == "twee regels"


def test_only_buttons_still_gives_a_text_and_nothing_gives_no_message() -> None:
    [part] = render(Message((), ((Button("ok", "a"),),)))
    assert seen(part).strip()
    assert render(Message(())) == []
    assert render(Message(("  ",))) == []


user_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"),
    max_size=900,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(user_text, st.booleans()), min_size=1, max_size=12),
       st.integers(min_value=200, max_value=TEXT_LIMIT))
def test_any_user_text_parses_fits_and_is_complete(
    pieces: list[tuple[str, bool]], limit: int
) -> None:
    sections = tuple((f"<b>{user(t)}</b>" if bold else user(t)) for t, bold in pieces)
    parts = render(Message(sections), limit=limit)
    shown = [seen(p) for p in parts]  # raises if Telegram could not parse a part
    for text in shown:
        assert utf16_length(text) <= limit
    assert squash("".join(shown)) == squash("".join(t for t, _ in pieces))

"""The Slack renderer: what a Slack user would see, and what Slack would accept."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render.markup import plain
from bot.slack.render import SlackMessage, render, render_home
from conversations.messages import Button, Message, MultiSelect
from tests.fakes.slack_api import HOME_BLOCKS, validate_blocks


def user(text: str) -> str:
    """User text as the core's templates put it into markup: autoescaped."""
    return html.escape(text, quote=False)


def texts(m: SlackMessage) -> list[str]:
    return [b["text"]["text"] for b in m.blocks if b["type"] == "section"]


def elements(m: SlackMessage) -> list[dict]:
    return [e for b in m.blocks if b["type"] == "actions" for e in b["elements"]]


def squash(text: str) -> str:
    return "".join(text.split())


def visible(parts: list[SlackMessage]) -> str:
    """All section text of all parts, whitespace ignored: to compare content."""
    return squash("".join(t for p in parts for t in texts(p)))


def test_user_text_cannot_mention_or_link() -> None:
    typed = "<!channel> <!here> <@U123> <https://evil.example|click> & more"
    [m] = render(Message((f"Answer: {user(typed)}",)))
    [section] = texts(m)
    assert section == (
        "Answer: &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; "
        "&lt;https://evil.example|click&gt; &amp; more"
    )
    assert "<" not in m.text and ">" not in m.text
    assert "&lt;!channel&gt;" in m.text


def test_mentions_become_slack_mentions_and_foreign_ids_stay_text() -> None:
    [m] = render(Message(('<mention id="U0ABC12">Anna</mention> and '
                          '<mention id="12345">B &lt;!here&gt;</mention>',)))
    assert texts(m) == ["<@U0ABC12> and B &lt;!here&gt;"]
    assert m.text == "<@U0ABC12> and B &lt;!here&gt;"


def test_bold_and_italic_keep_spaces_outside_the_markers() -> None:
    [m] = render(Message(("<b>Step 1 </b>of<i> eleven</i>; <b><i>both</i> bold</b>",)))
    assert texts(m) == ["*Step 1* of _eleven_; *_both_ bold*"]
    assert m.text == "Step 1 of eleven; both bold"


def test_bold_over_several_lines_is_closed_on_every_line() -> None:
    [m] = render(Message(("<b>one\ntwo</b>",)))
    assert texts(m) == ["*one*\n*two*"]


def test_buttons_carry_the_payloads_and_show_the_state() -> None:
    message = Message(
        ("Pick one",),
        (
            (Button("Start", "1:1:1:start", primary=True), Button("Later", "1:1:1:later")),
            (Button("Much more than I bring", "1:1:7:c:1", selected=True),),
            (Button("Join", "join:abc", join_token="abc"),),
        ),
    )
    [m] = render(message)
    buttons = elements(m)
    assert [b["value"] for b in buttons] == ["1:1:1:start", "1:1:1:later", "1:1:7:c:1",
                                             "join:abc"]
    assert [b["text"]["text"] for b in buttons] == ["Start", "Later",
                                                    "✓ Much more than I bring", "Join"]
    assert buttons[0]["style"] == "primary" and "style" not in buttons[1]
    assert len({b["action_id"] for b in buttons}) == 4
    validate_blocks(list(m.blocks))


def test_long_button_labels_are_shortened_to_fit() -> None:
    [m] = render(Message(("x",), ((Button("Keep " + "Org " * 40, "1:1:2:keep"),),)))
    [b] = elements(m)
    assert len(b["text"]["text"]) <= 75 and b["text"]["text"].endswith("…")
    validate_blocks(list(m.blocks))


def test_multiselect_becomes_checkboxes_with_the_current_selection() -> None:
    options = tuple(Button(f"Category {i}", f"1:1:6:t:c{i}", selected=i in (2, 11))
                    for i in range(12))
    [m] = render(Message(("What do you bring?",), ((Button("Next", "1:1:6:next"),),),
                         MultiSelect(options)))
    boxes = [e for e in elements(m) if e["type"] == "checkboxes"]
    assert [len(b["options"]) for b in boxes] == [10, 2]  # Slack allows 10 per element
    assert [o["value"] for b in boxes for o in b["options"]] == [o.payload for o in options]
    chosen = [o["value"] for b in boxes for o in b.get("initial_options", [])]
    assert chosen == ["1:1:6:t:c2", "1:1:6:t:c11"]
    assert m.blocks[-1]["elements"][0]["value"] == "1:1:6:next"
    validate_blocks(list(m.blocks))


def test_an_answered_question_has_no_buttons() -> None:
    [m] = render(Message(("<b>7/11 · Balance</b>", "Your choice: <b>About even</b>")))
    assert elements(m) == []
    assert texts(m)[-1] == "Your choice: *About even*"


def test_many_sections_are_split_into_messages_in_order() -> None:
    sections = tuple(f"Partner {i}: <b>{user('A&B <org>')}</b>" for i in range(120))
    message = Message(sections, ((Button("Seal", "1:1:11:seal"),),))
    parts = render(message)
    assert len(parts) == 3
    for part in parts:
        validate_blocks(list(part.blocks))
        assert part.text
    shown = [t for p in parts for t in texts(p)]
    assert shown == [f"Partner {i}: *A&amp;B &lt;org&gt;*" for i in range(120)]
    assert [elements(p) for p in parts[:-1]] == [[], []]
    assert elements(parts[-1])[0]["value"] == "1:1:11:seal"
    assert "\n\n".join(p.text for p in parts).count("Partner") == 120


def test_a_long_section_is_split_at_line_boundaries() -> None:
    lines = [f"line {i:03d} " + "word " * 20 for i in range(100)]
    [m] = render(Message(("\n".join(user(x) for x in lines),)))
    sections = texts(m)
    assert len(sections) > 1 and all(len(t) <= 3000 for t in sections)
    assert [line for t in sections for line in t.split("\n")] == [x.rstrip() for x in lines]
    validate_blocks(list(m.blocks))


def test_one_huge_line_of_markup_characters_is_split_without_breaking_entities() -> None:
    typed = "<>&" * 3000 + " tail"
    parts = render(Message((user(typed),)))
    for part in parts:
        validate_blocks(list(part.blocks))
        for t in texts(part):
            assert not re.search(r"&(?!amp;|lt;|gt;)", t)
    assert visible(parts) == squash(html.escape(typed, quote=False))


def test_too_much_text_for_one_message_is_split_by_size() -> None:
    sections = tuple(user("x" * 2900 + f" {i}") for i in range(10))
    parts = render(Message(sections))
    assert len(parts) > 1
    for part in parts:
        validate_blocks(list(part.blocks))
    assert visible(parts) == squash("".join(sections))


def test_home_view_fits_a_home_tab() -> None:
    sections = tuple(f"Round {i}" for i in range(150))
    view = render_home(Message(sections, ((Button("Continue", "1:1:3:continue"),),)))
    assert view["type"] == "home"
    validate_blocks(view["blocks"], max_blocks=HOME_BLOCKS)
    assert view["blocks"][-1]["type"] == "context"


_text = st.text(
    alphabet=st.sampled_from(list("ab <>&*_~\n@!|:/") + ["ë", "é", "😀"]),
    max_size=4000,
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_text, st.booleans(), st.booleans()), min_size=1, max_size=70),
    st.lists(st.text(min_size=1, max_size=100), max_size=12),
)
def test_anything_renders_into_valid_complete_messages(
    pieces: list[tuple[str, bool, bool]], labels: list[str]
) -> None:
    sections = []
    for text, bold, italic in pieces:
        markup = user(text)
        markup = f"<b>{markup}</b>" if bold else markup
        sections.append(f"<i>{markup}</i>" if italic else markup)
    buttons = tuple((Button(label, f"1:1:5:b{i}"),) for i, label in enumerate(labels))
    message = Message(tuple(sections), buttons[:4],
                      MultiSelect(tuple(b for (b,) in buttons[4:])) if buttons[4:] else None)
    parts = render(message)
    assert parts or not (buttons or "".join(plain(s) for s in sections).strip())
    for part in parts:
        validate_blocks(list(part.blocks))
        assert part.text.strip()
        assert "<" not in "".join(texts(part)) and "<" not in part.text
    expected = squash(html.escape("".join(plain(s) for s in sections), quote=False))
    shown = squash("".join(t for p in parts for t in texts(p)).replace("*", "")
                   .replace("_", "").replace("\u200b", ""))  # zero-width: invisible
    assert shown == expected.replace("*", "").replace("_", "")
    values = [e.get("value") or o["value"] for p in parts for e in elements(p)
              for o in (e.get("options") or [e])]
    assert sorted(values) == sorted(b.payload for (b,) in buttons)

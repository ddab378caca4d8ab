"""Parse the core's neutral markup into spans that each platform renders its own way.

The markup is the safe HTML subset described in `conversations.messages`. Span text is
plain, unescaped text: every renderer escapes it for its own format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    mention: str | None = None  # platform user id; `text` is the person's name


# Every tag of the markup (only <b>, <i> and <mention id="…"> mean something; others are
# dropped). User text never holds a bare "<": the templates escape it (`&lt;`).
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_ID = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def parse(markup: str) -> list[Span]:
    """Split neutral markup into spans; adjacent text keeps its own formatting."""
    spans: list[Span] = []
    bold = italic = 0
    mention: str | None = None
    position = 0
    for tag in _TAG.finditer(markup):
        if tag.start() > position:
            _add(spans, markup[position:tag.start()], bold, italic, mention)
        position = tag.end()
        closing, name = tag.group(1) == "/", tag.group(2).lower()
        if name == "b":
            bold = max(0, bold - 1) if closing else bold + 1
        elif name == "i":
            italic = max(0, italic - 1) if closing else italic + 1
        elif name == "mention":
            found = None if closing else _ID.search(tag.group(3))
            mention = (unescape(found.group(1) or found.group(2) or "") or None) if found \
                else None
    if position < len(markup):
        _add(spans, markup[position:], bold, italic, mention)
    return spans


def _add(spans: list[Span], raw: str, bold: int, italic: int, mention: str | None) -> None:
    text = unescape(raw)
    if text:
        spans.append(Span(text, bold > 0, italic > 0, mention))


def plain(markup: str) -> str:
    """The text without any formatting, as a screen reader or notification shows it."""
    return "".join(span.text for span in parse(markup))

"""Parse the core's neutral markup into spans that each platform renders its own way.

The markup is the safe HTML subset described in `conversations.messages`. Span text is
plain, unescaped text: every renderer escapes it for its own format.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    mention: str | None = None  # platform user id; `text` is the person's name


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.spans: list[Span] = []
        self._bold = 0
        self._italic = 0
        self._mention: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "b":
            self._bold += 1
        elif tag == "i":
            self._italic += 1
        elif tag == "mention":
            self._mention = dict(attrs).get("id") or None

    def handle_endtag(self, tag: str) -> None:
        if tag == "b":
            self._bold = max(0, self._bold - 1)
        elif tag == "i":
            self._italic = max(0, self._italic - 1)
        elif tag == "mention":
            self._mention = None

    def handle_data(self, data: str) -> None:
        if data:
            self.spans.append(Span(data, self._bold > 0, self._italic > 0, self._mention))


def parse(markup: str) -> list[Span]:
    """Split neutral markup into spans; adjacent text keeps its own formatting."""
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    return parser.spans


def plain(markup: str) -> str:
    """The text without any formatting, as a screen reader or notification shows it."""
    return "".join(span.text for span in parse(markup))

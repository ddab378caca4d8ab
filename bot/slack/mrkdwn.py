"""Neutral markup → Slack mrkdwn, with every piece of user text escaped.

Slack's own rule: replace `&`, `<` and `>` with entities and nothing typed by a user can
become a mention (`<!channel>`, `<@U…>`) or a link. mrkdwn has no escape for its style
markers, so each typed `*`, `_`, `~` and `` ` `` gets a zero-width space on both sides:
a marker needs a word boundary on one side and a word character on the other, and
whichever Slack takes the zero-width space for, one side fails — text shows as typed.
Bold becomes `*…*`, italic `_…_`, a mention `<@U…>`. Long texts are cut into pieces of
at most `limit` characters at line boundaries (at word boundaries inside a very long
line), each piece well-formed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from bot.render.markup import Span, parse

SECTION_LIMIT = 3000
_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")
_WORDS = re.compile(r"\S+\s*|\s+")
_STYLE_MARKERS = re.compile(r"[*_~`]")
ZERO_WIDTH_SPACE = "\u200b"


def escape(text: str) -> str:
    """Text that Slack shows literally: control characters as entities, markers inert."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _STYLE_MARKERS.sub(lambda m: f"{ZERO_WIDTH_SPACE}{m.group()}{ZERO_WIDTH_SPACE}", text)


def _wrap(inner: str, marker: str) -> str:
    """`*inner*` with the surrounding whitespace kept outside the markers (Slack needs it)."""
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{marker}{stripped}{marker}{trail}"


def _plain(spans: Iterable[Span]) -> str:
    out = []
    for mention, group in groupby(spans, key=lambda s: s.mention):
        text = "".join(s.text for s in group)
        if mention and _USER_ID.match(mention):
            out.append(f"<@{mention}>")
        else:
            out.append(escape(text))
    return "".join(out)


def _italic(spans: Iterable[Span]) -> str:
    return "".join(
        _wrap(_plain(group), "_") if italic else _plain(group)
        for italic, group in groupby(spans, key=lambda s: s.italic)
    )


def spans_to_mrkdwn(spans: Iterable[Span], *, formatting: bool = True) -> str:
    """One line of spans as mrkdwn. Runs of the same style share one pair of markers."""
    spans = list(spans)
    if len(spans) == 1 and not spans[0].mention and not (
            formatting and (spans[0].bold or spans[0].italic)):
        return escape(spans[0].text)  # the common line: one run of plain text
    if not formatting:
        return _plain(spans)
    return "".join(
        _wrap(_italic(group), "*") if bold else _italic(group)
        for bold, group in groupby(spans, key=lambda s: s.bold)
    )


def _lines(spans: list[Span]) -> list[list[Span]]:
    """Spans split at newlines, so no marker pair ever spans two lines."""
    lines: list[list[Span]] = [[]]
    for span in spans:
        parts = span.text.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append([])
            if part:
                lines[-1].append(Span(part, span.bold, span.italic, span.mention))
    return lines


def _words(line: list[Span], limit: int) -> Iterator[Span]:
    """The line's spans cut into words (and words longer than a piece into chunks)."""
    chunk = max(1, limit // 6)  # escaping may grow text up to five-fold, plus markers
    for span in line:
        if span.mention:
            yield span
            continue
        for word in _WORDS.findall(span.text):
            for i in range(0, len(word), chunk):
                yield Span(word[i : i + chunk], span.bold, span.italic)


def _fit_line(line: list[Span], limit: int) -> list[tuple[list[Span], str]]:
    """A line as one or more runs of spans whose mrkdwn has at most `limit` characters,
    each with its mrkdwn."""
    whole = spans_to_mrkdwn(line)
    if len(whole) <= limit:
        return [(line, whole)]
    pieces: list[list[Span]] = []
    current: list[Span] = []
    for word in _words(line, limit):
        if current and len(spans_to_mrkdwn([*current, word])) > limit:
            pieces.append(current)
            current = [Span(word.text.lstrip(), word.bold, word.italic, word.mention)]
        else:
            current.append(word)
    if current:
        pieces.append(current)
    return [(run, spans_to_mrkdwn(run)) for run in pieces]


@dataclass(frozen=True)
class Piece:
    """Lines of spans that fit in one Block Kit text field, each line's mrkdwn made once."""

    lines: tuple[tuple[Span, ...], ...]
    texts: tuple[str, ...]  # the mrkdwn of each line, trailing whitespace removed

    @property
    def mrkdwn(self) -> str:
        return "\n".join(self.texts)

    @property
    def plain(self) -> str:
        """The fallback `text`: no styling, but escaped and with real mentions."""
        return "\n".join(spans_to_mrkdwn(line, formatting=False).rstrip()
                         for line in self.lines)


def split(markup: str, limit: int = SECTION_LIMIT) -> list[Piece]:
    """Neutral markup as pieces whose mrkdwn has at most `limit` characters, in order.

    Usually one piece; more only when the text itself is longer than `limit`. Pieces
    break between lines where possible, else between words, so that every piece is
    well-formed (markers closed, entities and mentions whole) and nothing is lost.
    """
    out: list[Piece] = []
    lines: list[tuple[Span, ...]] = []
    texts: list[str] = []
    size = 0
    for line in _lines(parse(markup)):
        for run, mrkdwn in _fit_line(line, limit):
            text = mrkdwn.rstrip()
            extra = len(text) + (1 if lines else 0)
            if lines and size + extra > limit:
                out.append(Piece(tuple(lines), tuple(texts)))
                lines, texts, size = [], [], len(text)
            else:
                size += extra
            lines.append(tuple(run))
            texts.append(text)
    if lines:
        out.append(Piece(tuple(lines), tuple(texts)))
    return [piece for piece in out if piece.mrkdwn.strip()]


def to_mrkdwn(markup: str, *, limit: int = SECTION_LIMIT) -> list[str]:
    return [piece.mrkdwn for piece in split(markup, limit)]


def to_plain(markup: str) -> str:
    """The whole markup as fallback text: escaped, mentions kept, no styling."""
    return "\n".join(piece.plain for piece in split(markup, 10**9))

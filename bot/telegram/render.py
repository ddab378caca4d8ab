"""A neutral `Message` as Telegram messages: HTML text (parse mode HTML) plus a keyboard.

Every piece of text is escaped with `html.escape(…, quote=False)`; the only tags written
are `<b>`, `<i>` and, for a mention of a numeric user id, `<a href="tg://user?id=…">`.
Telegram allows 4,096 characters of text *after* the HTML is parsed, so messages are
measured by their visible text (in UTF-16 code units, the way Telegram counts) and split
between sections; a section longer than that is split between lines, a line longer than
that between words, a word longer than that anywhere. Nothing is cut off. The keyboard
goes with the last part.

A `MultiSelect` becomes toggle buttons with ✓ on the chosen options (two per row); a
`Button.join_token` becomes a URL button to `https://t.me/<bot>?start=<token>`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.render.markup import Span, parse
from conversations.messages import Button, Message

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes
DEEP_LINK_LIMIT = 64  # characters of A-Z a-z 0-9 _ -
CHECKED = "✓ "
TOGGLES_PER_ROW = 2
SECTION_SEPARATOR = "\n\n"
LINE_SEPARATOR = "\n"
EMPTY = "…"  # Telegram refuses an empty text; shown when a message is only buttons

_DEEP_LINK = re.compile(r"[A-Za-z0-9_-]{1,64}")
_WORDS = re.compile(r"\S+\s*|\s+")


class RenderError(ValueError):
    """The message cannot be shown on Telegram as the core built it (a bug in the core)."""


@dataclass(frozen=True)
class InlineButton:
    """One inline keyboard button: a callback button or, with `url`, a link."""

    text: str
    callback_data: str | None = None
    url: str | None = None

    def to_json(self) -> dict[str, str]:
        if self.url is not None:
            return {"text": self.text, "url": self.url}
        return {"text": self.text, "callback_data": self.callback_data or ""}


Keyboard = tuple[tuple[InlineButton, ...], ...]


@dataclass(frozen=True)
class TelegramMessage:
    """What one sendMessage / editMessageText carries."""

    html: str
    keyboard: Keyboard = ()

    def reply_markup_json(self) -> dict[str, object] | None:
        if not self.keyboard:
            return None
        return {"inline_keyboard": [[b.to_json() for b in row] for row in self.keyboard]}


def text_length(text: str) -> int:
    """Telegram's length of a text: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


# --- text ------------------------------------------------------------------------------
def _span_html(span: Span, text: str) -> str:
    out = html.escape(text, quote=False)
    if span.mention is not None and span.mention.isdigit():
        out = f'<a href="tg://user?id={span.mention}">{out}</a>'
    if span.italic:
        out = f"<i>{out}</i>"
    if span.bold:
        out = f"<b>{out}</b>"
    return out


Atom = tuple[int, Span, str]  # (span number, span, a piece of its text)


def _render_atoms(atoms: list[Atom]) -> str:
    """Consecutive pieces of the same span share one set of tags."""
    out: list[str] = []
    current: int | None = None
    buffer = ""
    span: Span | None = None
    for number, s, text in atoms:
        if number != current and span is not None:
            out.append(_span_html(span, buffer))
            buffer = ""
        current, span = number, s
        buffer += text
    if span is not None and buffer:
        out.append(_span_html(span, buffer))
    return "".join(out)


def _length(atoms: list[Atom]) -> int:
    return sum(text_length(text) for _, _, text in atoms)


@dataclass(frozen=True)
class _Piece:
    """Self-contained HTML with its visible length, and what joins it to the one before."""

    html: str
    length: int
    separator: str


def _lines(markup: str) -> list[list[Atom]]:
    lines: list[list[Atom]] = [[]]
    for number, span in enumerate(parse(markup)):
        for i, text in enumerate(span.text.split("\n")):
            if i:
                lines.append([])
            if text:
                lines[-1].append((number, span, text))
    return lines


def _hard_cut(atom: Atom, limit: int) -> list[Atom]:
    """A word longer than a message: cut it, never inside a surrogate pair."""
    number, span, text = atom
    out: list[Atom] = []
    chunk = ""
    for char in text:
        if chunk and text_length(chunk + char) > limit:
            out.append((number, span, chunk))
            chunk = ""
        chunk += char
    if chunk:
        out.append((number, span, chunk))
    return out


def _split_line(line: list[Atom], limit: int, separator: str) -> list[_Piece]:
    words: list[Atom] = []
    for number, span, text in line:
        for word in _WORDS.findall(text):
            atom = (number, span, word)
            words.extend(_hard_cut(atom, limit) if text_length(word) > limit else [atom])
    pieces: list[_Piece] = []
    current: list[Atom] = []
    for word in words:
        if current and _length(current) + text_length(word[2]) > limit:
            pieces.append(_Piece(_render_atoms(current), _length(current), ""))
            current = []
        current.append(word)
    if current:
        pieces.append(_Piece(_render_atoms(current), _length(current), ""))
    if pieces:
        pieces[0] = _Piece(pieces[0].html, pieces[0].length, separator)
    return pieces


def _section_pieces(markup: str, limit: int) -> list[_Piece]:
    lines = _lines(markup)
    total = sum(_length(line) for line in lines) + len(lines) - 1
    if total <= limit:
        body = LINE_SEPARATOR.join(_render_atoms(line) for line in lines)
        return [_Piece(body, total, SECTION_SEPARATOR)]
    pieces: list[_Piece] = []
    for i, line in enumerate(lines):
        separator = SECTION_SEPARATOR if i == 0 else LINE_SEPARATOR
        if _length(line) <= limit:
            pieces.append(_Piece(_render_atoms(line), _length(line), separator))
        else:
            pieces.extend(_split_line(line, limit, separator))
    return pieces


def texts(message: Message, limit: int = TEXT_LIMIT) -> list[str]:
    """The HTML texts that together show the message's sections, each within `limit`."""
    parts: list[str] = []
    current: str | None = None
    length = 0
    for section in message.sections:
        for piece in _section_pieces(section, limit):
            if current is None:
                current, length = piece.html, piece.length
            elif length + len(piece.separator) + piece.length <= limit:
                current += piece.separator + piece.html
                length += len(piece.separator) + piece.length
            else:
                parts.append(current)
                current, length = piece.html, piece.length
    if current is not None:
        parts.append(current)
    return [p for p in parts if p.strip()]


# --- keyboard --------------------------------------------------------------------------
def _label(button: Button) -> str:
    text = " ".join(button.label.split()) or EMPTY
    return CHECKED + text if button.selected else text


def deep_link(bot_username: str, token: str) -> str:
    if not _DEEP_LINK.fullmatch(token):
        raise RenderError(f"join token {token!r} is not a valid Telegram start parameter")
    return f"https://t.me/{bot_username}?start={token}"


def _button(button: Button, bot_username: str | None) -> InlineButton:
    if button.join_token is not None and bot_username:
        return InlineButton(_label(button), url=deep_link(bot_username, button.join_token))
    size = len(button.payload.encode("utf-8"))
    if not 1 <= size <= CALLBACK_DATA_LIMIT:
        raise RenderError(f"button payload of {size} bytes does not fit callback_data")
    return InlineButton(_label(button), callback_data=button.payload)


def keyboard(message: Message, bot_username: str | None = None) -> Keyboard:
    """Toggles first (✓ on the chosen ones), then the button rows as the core gave them."""
    rows: list[tuple[InlineButton, ...]] = []
    if message.multiselect is not None:
        options = [_button(b, bot_username) for b in message.multiselect.options]
        for start in range(0, len(options), TOGGLES_PER_ROW):
            rows.append(tuple(options[start : start + TOGGLES_PER_ROW]))
    for row in message.buttons:
        if row:
            rows.append(tuple(_button(b, bot_username) for b in row))
    return tuple(rows)


def render(message: Message, bot_username: str | None = None,
           limit: int = TEXT_LIMIT) -> list[TelegramMessage]:
    """The Telegram messages that together show `message`, in the order to send them.

    Without `bot_username` a join button falls back to a callback button (its payload
    names the invitation too). A message with neither text nor buttons renders as none.
    """
    board = keyboard(message, bot_username)
    parts = texts(message, limit)
    if not parts:
        return [TelegramMessage(EMPTY, board)] if board else []
    out = [TelegramMessage(text) for text in parts]
    out[-1] = TelegramMessage(out[-1].html, board)
    return out

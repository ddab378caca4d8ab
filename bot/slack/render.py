"""A neutral `Message` as one or more Slack messages: Block Kit blocks plus plain `text`.

Sections become mrkdwn section blocks (user text escaped, see `mrkdwn`). Button rows
become `actions` blocks whose button `value` is the core's payload; a `MultiSelect`
becomes checkboxes whose option values are the option payloads. A message larger than
Slack allows (50 blocks, 3,000 characters per section, about 13,000 characters in all)
is split between sections into several messages, in order; the buttons stay with the
last part. Nothing is cut off.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

from bot.slack.mrkdwn import SECTION_LIMIT, Piece, escape, split
from conversations.messages import Button, Message, MultiSelect

MAX_BLOCKS = 50
HOME_MAX_BLOCKS = 100
MAX_CHARS = 12000  # section text per message; Slack refuses around 13,000
BUTTON_TEXT = 75
OPTION_TEXT = 150
ROW_BUTTONS = 25
CHECKBOX_OPTIONS = 10
ACTION_PREFIX = "optafel."
PRESS = "optafel.press"
TOGGLE = "optafel.toggle"
CHECKED = "✓ "

Block = dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """What goes into one chat.postMessage / chat.update: fallback text and blocks."""

    text: str
    blocks: tuple[Block, ...]

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": list(self.blocks)}


@dataclass
class _Part:
    """One Slack message being filled: its blocks, their fallback texts, text size."""

    blocks: list[Block] = field(default_factory=list)
    plain: list[str] = field(default_factory=list)
    chars: int = 0


def _section(piece: Piece) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": piece.mrkdwn}}


def _label(text: str, limit: int) -> str:
    text = " ".join(text.split()) or "…"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def button(b: Button, action_id: str) -> Block:
    label = (CHECKED if b.selected else "") + b.label
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": _label(label, BUTTON_TEXT), "emoji": True},
        "value": b.payload,
    }
    if b.primary:
        element["style"] = "primary"
    return element


def _option(b: Button) -> Block:
    return {"text": {"type": "plain_text", "text": _label(b.label, OPTION_TEXT),
                     "emoji": True},
            "value": b.payload}


def _checkboxes(multi: MultiSelect) -> list[Block]:
    blocks: list[Block] = []
    for n, start in enumerate(range(0, len(multi.options), CHECKBOX_OPTIONS)):
        chunk = multi.options[start : start + CHECKBOX_OPTIONS]
        element: Block = {"type": "checkboxes", "action_id": f"{TOGGLE}.{n}",
                          "options": [_option(b) for b in chunk]}
        chosen = [_option(b) for b in chunk if b.selected]
        if chosen:
            element["initial_options"] = chosen
        # A new block_id per selection makes clients show the updated state after edits.
        digest = zlib.crc32("|".join(o["value"] for o in chosen).encode())
        blocks.append({"type": "actions", "block_id": f"optafel-multi-{n}-{digest:08x}",
                       "elements": [element]})
    return blocks


def controls(message: Message) -> list[Block]:
    """The interactive blocks of a message: checkboxes first, then one block per row."""
    blocks = _checkboxes(message.multiselect) if message.multiselect else []
    n = 0
    for row in message.buttons:
        for start in range(0, len(row), ROW_BUTTONS):
            elements = [button(b, f"{PRESS}.{n}.{i}")
                        for i, b in enumerate(row[start : start + ROW_BUTTONS])]
            blocks.append({"type": "actions", "block_id": f"optafel-row-{n}",
                           "elements": elements})
            n += 1
    return blocks


def _parts(message: Message, max_blocks: int, max_chars: int) -> list[_Part]:
    parts = [_Part()]
    for section in message.sections:
        for piece in split(section, min(SECTION_LIMIT, max_chars)):
            size = len(piece.mrkdwn)
            last = parts[-1]
            if last.blocks and (len(last.blocks) >= max_blocks or last.chars + size > max_chars):
                last = _Part()
                parts.append(last)
            last.blocks.append(_section(piece))
            last.plain.append(piece.plain)
            last.chars += size
    return parts


def render(message: Message, *, max_blocks: int = MAX_BLOCKS,
           max_chars: int = MAX_CHARS) -> list[SlackMessage]:
    """The Slack messages that together show `message`, in the order to send them.

    A message without any visible text or buttons renders as no message at all.
    """
    parts = _parts(message, max_blocks, max_chars)
    extra = controls(message)
    if extra:
        last = parts[-1]
        if len(last.blocks) + len(extra) > max_blocks and len(last.blocks) > 1:
            keep = max(1, max_blocks - len(extra))
            parts.append(_Part(last.blocks[keep:], last.plain[keep:]))
            del last.blocks[keep:], last.plain[keep:]
        parts[-1].blocks.extend(extra)
    out = []
    for part in parts:
        if not part.blocks:  # nothing to show at all
            continue
        text = "\n\n".join(part.plain)
        if not text:  # only buttons: Slack still wants a fallback text
            labels = [escape(" ".join(b.label.split())) for b in message.all_buttons]
            text = " · ".join(label for label in labels if label) or "…"
        out.append(SlackMessage(text, tuple(part.blocks)))
    return out


def render_home(message: Message) -> dict[str, Any]:
    """A Home tab view (up to 100 blocks). Whatever does not fit is said, not dropped."""
    blocks = [b for part in render(message, max_blocks=HOME_MAX_BLOCKS, max_chars=10**9)
              for b in part.blocks]
    if len(blocks) > HOME_MAX_BLOCKS:
        blocks = blocks[: HOME_MAX_BLOCKS - 1]
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": "… (more than fits on this page)"}]})
    return {"type": "home", "blocks": blocks}

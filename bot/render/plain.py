"""Neutral messages as plain text, for the terminal and the local adapter."""

from __future__ import annotations

from bot.render.markup import parse
from conversations.messages import Message


def text(markup: str) -> str:
    """Markup as plain text; a mention shows as @name."""
    return "".join(f"@{s.text}" if s.mention else s.text for s in parse(markup))


def body(message: Message) -> str:
    return "\n\n".join(text(section) for section in message.sections)

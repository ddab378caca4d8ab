"""Slack's message markup, as it arrives, turned back into what the person typed.

Slack sends `&`, `<`, `>` as entities and wraps mentions and links in angle brackets.
The core stores plain text; the renderer escapes it again on the way out, so nothing a
person typed can become a mention or a link in what the bot posts.
"""

from __future__ import annotations

import re

_MARKUP = re.compile(r"<([^<>]*)>")
BARE_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")
_SPECIAL = {"channel": "@channel", "here": "@here", "everyone": "@everyone"}


def _readable(match: re.Match[str], names: dict[str, str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return f"@{label or names.get(target[1:]) or target[1:]}"
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):
        name = target[1:].split("^")[0]
        return label or _SPECIAL.get(name, f"@{name}")
    if label and not target.endswith(label):
        return f"{label} ({target})"
    return label or target


def unescape(text: str) -> str:
    """Slack's three entities back to characters (and nothing else)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_plain_text(text: str, names: dict[str, str] | None = None) -> str:
    """`<@U1|anna>` → `@anna`, `<!channel>` → `@channel`, `<https://x|x>` → `x`, …

    `names` gives the names for bare mentions (`<@U1>`), by user id.
    """
    known = names or {}
    return unescape(_MARKUP.sub(lambda m: _readable(m, known), text or ""))

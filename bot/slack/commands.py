"""What a person typed after `/optafel`: the subcommand, its words, the people named.

Slack sends mentions in slash-command text in its escaped form `<@U123|name>` (the
manifest sets `should_escape`), and `&`, `<`, `>` as entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.slack.incoming import to_plain_text

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
# Subcommands about one's own answers: always answered privately, wherever typed.
PRIVATE_ONLY = frozenset({"edit", "forget"})
PRIVATE_CHANNEL_NAME = "directmessage"


@dataclass(frozen=True)
class Typed:
    name: str
    args: tuple[str, ...] = ()
    mentioned: tuple[tuple[str, str], ...] = ()  # (user id, name as Slack gave it)


def parse_command(text: str) -> Typed:
    """`partners <@U1|anna> <@U2>` → Typed("partners", (), (("U1","anna"), ("U2","")))."""
    mentioned: list[tuple[str, str]] = []
    for user_id, name in MENTION.findall(text or ""):
        if user_id not in (m[0] for m in mentioned):
            mentioned.append((user_id, name))
    words = to_plain_text(MENTION.sub(" ", text or "")).split()
    if not words:
        return Typed("help", (), tuple(mentioned))
    return Typed(words[0].lower(), tuple(words[1:]), tuple(mentioned))


def is_private_place(channel_id: str, channel_name: str) -> bool:
    """A slash command typed in a direct message rather than in a channel."""
    return channel_name == PRIVATE_CHANNEL_NAME or channel_id.startswith("D")

"""Short answers to a command in the channel, meant for the one person who typed it."""

from __future__ import annotations

from conversations.decision import Decision
from conversations.effects import Notice, SendPrivate
from conversations.events import ChannelCommand
from conversations.messages import Message
from conversations.texts import Texts


def notice(cmd: ChannelCommand, t: Texts, key: str, **values: object) -> Decision:
    """A text for the command's author only (ephemeral where the platform has it)."""
    message = Message(t.sections(key, **values))
    return Decision(None, (Notice(cmd.actor.user_id, cmd.channel_id, message),))


def say(user_id: str, t: Texts, key: str, **values: object) -> Decision:
    """A text in someone's private chat."""
    return Decision(None, (SendPrivate(user_id, Message(t.sections(key, **values))),))

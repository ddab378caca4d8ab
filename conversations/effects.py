"""What the core asks the shell to do. Every effect is stored in the outbox first."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.messages import Message
from conversations.trend import Trend


@dataclass(frozen=True)
class SendPrivate:
    """A private message (Slack DM, Telegram private chat) to one user."""

    user_id: str
    message: Message


@dataclass(frozen=True)
class PostToChannel:
    """A message for the whole group, in the partnership's shared channel."""

    channel_id: str
    message: Message


@dataclass(frozen=True)
class Notice:
    """Feedback for one person about something they did in the channel (ephemeral)."""

    user_id: str
    channel_id: str
    message: Message


@dataclass(frozen=True)
class EditMessage:
    """Replace a message whose button was pressed, so the old buttons cannot be reused."""

    origin: str
    message: Message


@dataclass(frozen=True)
class UploadPicture:
    """The trend picture for the shared channel: the shell draws it (a PNG) when it sends
    it, never while a decision holds the database."""

    channel_id: str
    trend: Trend

    @property
    def title(self) -> str:
        return self.trend.title


@dataclass(frozen=True)
class SendFile:
    """A file privately to one user: `rows` (the first holds the column names) written as
    JSON or CSV, by `name`'s extension. Cells are neutral markup; the file has plain text."""

    user_id: str
    name: str
    rows: tuple[tuple[str, ...], ...]


Effect = SendPrivate | PostToChannel | Notice | EditMessage | UploadPicture | SendFile


def destination(effect: Effect) -> str:
    """Where an effect lands; effects to one destination are delivered in decision order.

    A notice queues with its channel's posts: where a platform has no ephemeral messages
    (Telegram) it lands in the channel itself.
    """
    match effect:
        case SendPrivate(user_id=user_id) | SendFile(user_id=user_id):
            return f"user:{user_id}"
        case EditMessage(origin=origin):
            return f"edit:{origin}"
        case PostToChannel(channel_id=c) | Notice(channel_id=c) | UploadPicture(channel_id=c):
            return f"channel:{c}"
    raise TypeError(effect)

"""What the core asks the shell to do. Every effect is stored in the outbox first."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.messages import Message


@dataclass(frozen=True)
class SendPrivate:
    """A private message (Slack DM, Telegram private chat) to one user."""

    user_id: str
    message: Message

    @property
    def destination(self) -> str:
        """Effects to one destination are delivered in the order they were decided."""
        return f"user:{self.user_id}"


@dataclass(frozen=True)
class PostToChannel:
    """A message for the whole group, in the partnership's shared channel."""

    channel_id: str
    message: Message

    @property
    def destination(self) -> str:
        return f"channel:{self.channel_id}"


@dataclass(frozen=True)
class Notice:
    """Feedback for one person about something they did in the channel (ephemeral)."""

    user_id: str
    channel_id: str
    message: Message

    @property
    def destination(self) -> str:
        # Where a platform has no ephemeral messages (Telegram) a notice lands in the
        # channel itself, so it queues with the channel's posts.
        return f"channel:{self.channel_id}"


@dataclass(frozen=True)
class EditMessage:
    """Replace a message whose button was pressed, so the old buttons cannot be reused."""

    origin: str
    message: Message

    @property
    def destination(self) -> str:
        return f"edit:{self.origin}"


@dataclass(frozen=True)
class UploadPicture:
    """A PNG for the shared channel."""

    channel_id: str
    png: bytes
    title: str

    @property
    def destination(self) -> str:
        return f"channel:{self.channel_id}"


Effect = SendPrivate | PostToChannel | Notice | EditMessage | UploadPicture

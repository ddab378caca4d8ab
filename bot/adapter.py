"""The one interface every chat platform implements, and the errors it may raise."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from conversations.messages import Message

if TYPE_CHECKING:
    from bot.runtime import Runtime


class DeliveryError(Exception):
    """A platform call failed.

    `retry_after` set: try again after that many seconds (rate limit, network hiccup).
    `permanent`: trying again cannot help (channel gone, bot not in channel, user blocked
    the bot); `unreachable` says the addressed user cannot be written to privately.
    """

    def __init__(
        self,
        reason: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        unreachable: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent
        self.unreachable = unreachable


class ChatAdapter(ABC):
    """A chat platform as the runtime sees it.

    Inbound, the adapter translates platform input into `conversations.events` and calls
    `runtime.handle(platform, event, event_id=…)`; outbound, the runtime calls the
    methods below with platform-neutral messages, which the adapter renders and escapes.
    """

    platform: str

    @abstractmethod
    async def start(self, runtime: Runtime) -> None:
        """Connect and begin feeding events to `runtime`."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop feeding events and release connections."""

    @abstractmethod
    async def send_private(self, user_id: str, message: Message) -> None: ...

    @abstractmethod
    async def post_to_channel(self, channel_id: str, message: Message) -> None: ...

    @abstractmethod
    async def notify(self, user_id: str, channel_id: str, message: Message) -> None:
        """Feedback for one person in a channel: ephemeral where the platform has it."""

    @abstractmethod
    async def edit_message(self, origin: str, message: Message) -> None:
        """Replace the message a button was pressed on (`origin` from the ButtonPress)."""

    @abstractmethod
    async def upload_picture(self, channel_id: str, png: bytes, title: str) -> None: ...

"""The one interface every chat platform implements, and the errors it may raise."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from conversations.messages import Message

if TYPE_CHECKING:
    from bot.runtime import Runtime


class DeliveryError(Exception):
    """A platform call failed.

    `retry_after` set: try again after that many seconds (rate limit, network hiccup).
    `permanent`: trying again cannot help (channel gone, bot not in channel, user blocked
    the bot); `unreachable` says the addressed user cannot be written to privately.
    `parts_sent`: how many parts of a split message had arrived when it failed.
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
        self.parts_sent = 0


Part = TypeVar("Part")


async def deliver_parts(
    parts: Sequence[Part],
    skip: int,
    send: Callable[[int, Part], Awaitable[object]],
    translate: Callable[[Exception], DeliveryError],
) -> None:
    """Send `parts` in order, after the `skip` that arrived on an earlier attempt.

    A failure becomes a `DeliveryError` that says how many parts arrived in all, which
    the runtime stores with the outbox item: a retry, even after a restart, never posts
    a part twice.
    """
    for number in range(skip, len(parts)):
        try:
            await send(number, parts[number])
        except Exception as error:
            failure = translate(error)
            failure.parts_sent = number
            raise failure from error


class ChatAdapter(ABC):
    """A chat platform as the runtime sees it.

    Inbound, the adapter translates platform input into `conversations.events` and calls
    `runtime.handle(platform, event, event_id=…)`; outbound, the runtime calls the
    methods below with platform-neutral messages, which the adapter renders and escapes.
    A message too long for one platform message goes out in parts (`deliver_parts`);
    `skip` is how many of them arrived on an earlier attempt.
    """

    platform: str

    @abstractmethod
    async def start(self, runtime: Runtime) -> None:
        """Connect and begin feeding events to `runtime`."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop feeding events and release connections."""

    @abstractmethod
    async def send_private(self, user_id: str, message: Message, *, skip: int = 0) -> None: ...

    @abstractmethod
    async def post_to_channel(self, channel_id: str, message: Message, *,
                              skip: int = 0) -> None: ...

    @abstractmethod
    async def notify(self, user_id: str, channel_id: str, message: Message, *,
                     skip: int = 0) -> None:
        """Feedback for one person in a channel: ephemeral where the platform has it."""

    @abstractmethod
    async def edit_message(self, origin: str, message: Message, *, skip: int = 0) -> None:
        """Replace the message a button was pressed on (`origin` from the ButtonPress);
        parts beyond the first follow as new messages."""

    @abstractmethod
    async def upload_picture(self, channel_id: str, png: bytes, title: str) -> None: ...

    @abstractmethod
    async def is_member(self, channel_id: str, user_id: str) -> bool:
        """Whether the person is in the shared channel or group (False when unsure):
        who may join through an invitation."""

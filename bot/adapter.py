"""The one interface every chat platform implements, and the errors it may raise."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from conversations.events import ChannelCommand, Event
from conversations.messages import Message
from storage.inbox import Received


class DeliveryError(Exception):
    """A platform call failed.

    `retry_after` set: the platform asked us to wait that many seconds (rate limit).
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


class Unreadable(Exception):
    """A stored platform payload cannot be read as an event: trying again cannot help."""


@dataclass
class Progress:
    """How many parts of a split message have arrived, and what the outbox knows more.

    `arrived` is awaited with the new count after each part but the last: the runtime
    stores it with the outbox item, so a retry, even after a crash between two parts,
    never posts a part twice. `item` is the outbox item's id, for a platform that can
    label what it posts (Slack's message metadata). `in_doubt_since` is set when an
    earlier attempt was cut off (a kill, a lost answer) and may have delivered parts
    after `done`: a platform that can look them up since then does so before sending.
    """

    done: int = 0
    arrived: Callable[[int], Awaitable[None]] | None = None
    item: int | None = None
    in_doubt_since: datetime | None = None


Part = TypeVar("Part")


async def deliver_parts(
    parts: Sequence[Part],
    progress: Progress | None,
    send: Callable[[int, Part], Awaitable[object]],
    translate: Callable[[Exception], DeliveryError],
) -> None:
    """Send `parts` in order, after the ones `progress` says arrived on an earlier attempt;
    a platform failure becomes a `DeliveryError`."""
    progress = progress or Progress()
    for number in range(progress.done, len(parts)):
        try:
            await send(number, parts[number])
        except Exception as error:
            raise translate(error) from error
        progress.done = number + 1
        if progress.arrived is not None and progress.done < len(parts):
            await progress.arrived(progress.done)


class Receive(Protocol):
    def __call__(self, *received: Received) -> Awaitable[list[int | None]]: ...


@dataclass(frozen=True)
class Inbound:
    """What an adapter may ask of the bot, and nothing more.

    `receive` stores platform events in the inbox in one transaction (per event its row
    id, None for an event id stored before) and raises when they could not be stored:
    then the adapter must not tell the platform it has them. `home` is a person's home
    page on a platform (Slack's App Home); it reads and changes nothing. `answer` is the
    answer to a channel command that changes nothing (`help`, an unknown command), read
    from what is stored, for a platform that can show it at once (in Slack's ack); None
    for any other command: that one is stored and decided.
    """

    receive: Receive
    home: Callable[[str, str], Awaitable[Message]]
    answer: Callable[[str, ChannelCommand], Awaitable[Message | None]]


class ChatAdapter(ABC):
    """A chat platform as the runtime sees it.

    Inbound, the adapter stores what the platform sends (`Inbound.receive`) before
    acknowledging it; the runtime decides it later and asks the adapter to `translate`
    the stored payload into `conversations.events`. Outbound, the runtime calls the
    methods below with platform-neutral messages, which the adapter renders and escapes.
    A message too long for one platform message goes out in parts (`deliver_parts`);
    `progress` says how many of them arrived on an earlier attempt.
    """

    platform: str

    @abstractmethod
    async def start(self, inbound: Inbound) -> None:
        """Connect and begin storing what the platform sends through `inbound`."""

    @abstractmethod
    async def stop_receiving(self) -> None:
        """Take no more events: the platform keeps, or sends again later, what it offers
        from now on; what was stored stays stored, and sending still works until `stop`.
        The first step of a shutdown."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop feeding events and release connections."""

    async def translate(self, payload: dict[str, Any]) -> list[Event]:
        """The core events a payload stored by this adapter stands for (none: nothing for
        us); `Unreadable` when it cannot be read. Adapters that store none keep this."""
        raise Unreadable(f"{self.platform} stores no raw payloads")

    @abstractmethod
    async def send_private(self, user_id: str, message: Message, *,
                           progress: Progress | None = None) -> None: ...

    @abstractmethod
    async def post_to_channel(self, channel_id: str, message: Message, *,
                              progress: Progress | None = None) -> None: ...

    @abstractmethod
    async def notify(self, user_id: str, channel_id: str, message: Message, *,
                     progress: Progress | None = None) -> None:
        """Feedback for one person in a channel: ephemeral where the platform has it."""

    @abstractmethod
    async def edit_message(self, origin: str, message: Message, *,
                           progress: Progress | None = None) -> None:
        """Replace the message a button was pressed on (`origin` from the ButtonPress);
        parts beyond the first follow as new messages."""

    @abstractmethod
    async def upload_picture(self, channel_id: str, png: bytes, title: str) -> None: ...

    @abstractmethod
    async def send_file(self, user_id: str, name: str, data: bytes) -> None:
        """A file (an export) in the person's private chat, named `name`."""

    @abstractmethod
    async def is_member(self, channel_id: str, user_id: str) -> bool:
        """Whether the person is in the shared channel or group (False when the platform
        will not say): who may join through an invitation. May raise on a failure that
        passes; the inbox then decides the event again later."""

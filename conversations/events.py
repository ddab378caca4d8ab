"""What the shell feeds into the core, already translated from the platform."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Person:
    """A platform user as the adapter sees them."""

    user_id: str
    name: str


@dataclass(frozen=True)
class ChannelCommand:
    """A command typed in the shared channel (`/optafel round`, `/round` …).

    `people` are the users named in the command (`partners @a @b`, `coordinator @c`),
    resolved by the adapter; for `partners` with nobody named, the adapter fills in the
    channel's human members (bots and the app itself left out) and sets `whole_channel`.
    """

    channel_id: str
    channel_name: str
    actor: Person
    name: str
    args: tuple[str, ...] = ()
    people: tuple[Person, ...] = ()
    whole_channel: bool = False


@dataclass(frozen=True)
class PrivateCommand:
    """A command in the private chat with the bot (`help`, `status`, `edit`, `forget`)."""

    actor: Person
    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrivateText:
    """Free text in the private chat: usually an answer."""

    actor: Person
    text: str


@dataclass(frozen=True)
class ButtonPress:
    """A pressed button; `origin` identifies the message it was on, for editing it."""

    actor: Person
    payload: str
    origin: str | None = None


@dataclass(frozen=True)
class Join:
    """A user followed an invitation (Telegram `/start <token>`, a join button).

    `in_channel`: the platform says the person is a member of the partnership's shared
    channel or group. Only they, or people on the partner list, may join.
    """

    actor: Person
    token: str
    in_channel: bool = False


class CheckinWork(StrEnum):
    OPEN = "open"  # the planned check-in
    REMIND = "remind"  # the open check-in's one reminder
    CLOSE = "close"  # the open check-in's window has closed: post the result


@dataclass(frozen=True)
class CheckinDue:
    """The scheduler found check-in work due for a partnership.

    Decided like every event, against the partnership as it is then: work already done
    (by another process, an early reveal) makes it change nothing.
    """

    partnership_id: int
    work: CheckinWork

    def __post_init__(self) -> None:
        CheckinWork(self.work)  # ValueError for anything else: a stored row unreadable


Event = ChannelCommand | PrivateCommand | PrivateText | ButtonPress | Join | CheckinDue

"""The domain: partnerships, members, rounds and interviews as frozen values."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from conversations.messages import Message


class Step(IntEnum):
    """The eleven steps of the interest interview, in the order they are asked."""

    WELCOME = 1
    ORGANISATION = 2
    ORG_INTEREST = 3
    OWN_INTEREST = 4
    GET = 5
    GIVE = 6
    BALANCE = 7
    AMBITION = 8
    EXPECTATIONS = 9
    STAKEHOLDERS = 10
    REVIEW = 11


class RoundKind(StrEnum):
    INTERESTS = "interests"
    CHECKIN = "checkin"


class RoundStatus(StrEnum):
    OPEN = "open"
    REVEALED = "revealed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Partnership:
    """A collaboration, bound to one shared channel on one platform."""

    platform: str
    channel_id: str
    name: str
    language: str = "nl"
    timezone: str = "Europe/Amsterdam"
    anonymous: bool = False
    id: int | None = None
    # Check-in schedule: every N weeks on a weekday (0 = Monday) at HH:MM local time.
    checkin_weeks: int | None = None
    checkin_weekday: int | None = None
    checkin_time: str | None = None
    next_checkin_at: datetime | None = None


@dataclass(frozen=True)
class Member:
    """A person in a partnership, known by the platform's user id."""

    user_id: str
    name: str
    organisation: str | None = None
    is_partner: bool = False
    is_coordinator: bool = False
    unreachable: bool = False


@dataclass(frozen=True)
class Round:
    """One interest round or check-in.

    `number` counts all rounds of a partnership from 1 and identifies the round; `ordinal`
    counts the rounds of its own kind, as people say them ("round 2", "check-in 3").
    `ambition` is the shared ambition the partners are asked about (interest rounds).
    """

    number: int
    kind: RoundKind
    status: RoundStatus
    opened_at: datetime
    token: str
    deadline: datetime | None = None
    closed_at: datetime | None = None
    remind_at: datetime | None = None  # check-ins: when the one automatic reminder is due
    # The reveal exactly as it was posted (names or not): `export` sends this, never a rebuild.
    posted: Message | None = None
    ordinal: int = 1
    ambition: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status is RoundStatus.OPEN


@dataclass(frozen=True)
class Answers:
    """Everything one partner answered in one round; None means not (yet) answered."""

    organisation: str | None = None
    org_interest: str | None = None
    own_interest: str | None = None
    gets: frozenset[str] = frozenset()
    get_note: str | None = None
    gives: frozenset[str] = frozenset()
    give_note: str | None = None
    balance: int | None = None
    ambition: str | None = None
    ambition_note: str | None = None
    expectations: str | None = None
    stakeholders: str | None = None
    # Check-ins: balance (above) now, does it still deliver (yes/doubt/no), what changed;
    # per agreement they are part of, was it kept (number, kept/partly/not) and a line;
    # do their own people still value what the partnership gives and takes (yes/doubt/no).
    delivers: str | None = None
    changed: str | None = None
    kept: tuple[tuple[int, str], ...] = ()
    kept_note: str | None = None
    valued: str | None = None

    def verdict(self, number: int) -> str | None:
        """What this partner said about agreement `number` in a check-in, if anything."""
        return dict(self.kept).get(number)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, tuple):
                value = [list(pair) for pair in value]
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answers:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("gets", "gives"):
            values[key] = frozenset(values.get(key) or ())
        values["kept"] = tuple((int(n), str(v)) for n, v in values.get("kept") or ())
        return cls(**values)


@dataclass(frozen=True)
class Interview:
    """One member's private interview in one round."""

    round_number: int
    user_id: str
    step: Step = Step.WELCOME
    answers: Answers = field(default_factory=Answers)
    editing: bool = False  # answering one step from the review: go back there afterwards
    sealed_at: datetime | None = None
    reminded_at: datetime | None = None
    # When its question was last sent: a typed answer belongs to the question asked last.
    asked_at: datetime | None = None

    @property
    def sealed(self) -> bool:
        return self.sealed_at is not None

    @property
    def started(self) -> bool:
        return self.step is not Step.WELCOME or self.sealed


class AgreementStatus(StrEnum):
    PROPOSED = "proposed"  # waiting for the giver to confirm
    CONFIRMED = "confirmed"
    CLOSED = "closed"


@dataclass(frozen=True)
class Agreement:
    """What one partner (`giver`) agreed to bring, after a reveal; numbered per partnership.

    `receivers` are the partners it is for (none: the partnership as a whole). Giver and
    receivers are the ones a check-in asks whether it was kept.
    """

    number: int
    text: str
    giver: str  # user id
    proposer: str  # user id
    status: AgreementStatus
    created_at: datetime
    confirmed_at: datetime | None = None
    closed_at: datetime | None = None
    receivers: tuple[str, ...] = ()  # user ids
    category: str | None = None  # proposed from the reveal's match of this category

    def concerns(self, user_id: str) -> bool:
        return user_id == self.giver or user_id in self.receivers


@dataclass(frozen=True)
class Table:
    """The partnership aggregate: what one event may read and change, under one lock.

    `rounds` holds the latest round of each kind; `interviews` belong to those rounds.
    """

    partnership: Partnership
    members: tuple[Member, ...] = ()
    rounds: tuple[Round, ...] = ()
    interviews: tuple[Interview, ...] = ()
    agreements: tuple[Agreement, ...] = ()

    def member(self, user_id: str) -> Member | None:
        return next((m for m in self.members if m.user_id == user_id), None)

    @property
    def partners(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.is_partner)

    @property
    def coordinators(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.is_coordinator)

    def latest(self, kind: RoundKind = RoundKind.INTERESTS) -> Round | None:
        return next((r for r in self.rounds if r.kind is kind), None)

    def open_round(self, kind: RoundKind = RoundKind.INTERESTS) -> Round | None:
        latest = self.latest(kind)
        return latest if latest is not None and latest.is_open else None

    def round_by_number(self, number: int) -> Round | None:
        return next((r for r in self.rounds if r.number == number), None)

    def interviews_of(self, rnd: Round) -> tuple[Interview, ...]:
        return tuple(i for i in self.interviews if i.round_number == rnd.number)

    def interview(self, rnd: Round, user_id: str) -> Interview | None:
        return next(
            (i for i in self.interviews_of(rnd) if i.user_id == user_id),
            None,
        )

    def next_round_number(self) -> int:
        return max((r.number for r in self.rounds), default=0) + 1

    def next_ordinal(self, kind: RoundKind) -> int:
        """The ordinal of the next round of `kind`: cancelled rounds keep their number."""
        latest = self.latest(kind)
        return latest.ordinal + 1 if latest is not None else 1

    # --- copies with one thing changed -------------------------------------------------
    def with_member(self, member: Member) -> Table:
        return replace(self, members=_upsert(self.members, member, lambda m: m.user_id))

    def with_round(self, rnd: Round) -> Table:
        others = tuple(r for r in self.rounds if r.kind is not rnd.kind)
        kept = {r.number for r in others} | {rnd.number}
        interviews = tuple(i for i in self.interviews if i.round_number in kept)
        return replace(self, rounds=(*others, rnd), interviews=interviews)

    def agreement(self, number: int) -> Agreement | None:
        return next((a for a in self.agreements if a.number == number), None)

    def with_agreement(self, agreement: Agreement) -> Table:
        key = lambda a: a.number  # noqa: E731
        return replace(self, agreements=_upsert(self.agreements, agreement, key))

    def with_interview(self, interview: Interview) -> Table:
        key = lambda i: (i.round_number, i.user_id)  # noqa: E731
        return replace(self, interviews=_upsert(self.interviews, interview, key))


def _upsert(items: tuple, item: Any, key: Any) -> tuple:
    """Replace the element with the same key in place, or append it."""
    wanted = key(item)
    for n, x in enumerate(items):
        if key(x) == wanted:
            return (*items[:n], item, *items[n + 1:])
    return (*items, item)

"""Decide: the events of one inbox row in, the core's decisions stored in one unit of work.

The state, the effects it causes (the outbox) and the inbox row marked decided (its
payload cleared) are committed together: an event is decided exactly once. Check-in work
the scheduler stored (`CheckinDue`) is decided here too, like every other event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.inbox import wall_clock
from conversations import payloads
from conversations.checkin import checkin_due, remind_due, work_due
from conversations.checkin_result import close_due
from conversations.command_names import canonical
from conversations.context import Context
from conversations.decision import Decision
from conversations.events import (
    ButtonPress,
    ChannelCommand,
    CheckinDue,
    CheckinWork,
    Event,
    Join,
    PrivateCommand,
    PrivateText,
)
from conversations.exports import wants_history
from conversations.lifecycle import channel_command
from conversations.model import RoundKind, Table
from conversations.private import (
    button_press,
    join,
    private_command,
    private_text,
    unknown_button,
)
from storage.outbox import Lease, OutboxItem
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decided:
    """`fresh`: decided now (False: decided before). `checkins`: what the check-in
    scheduler finds due may have changed (check-in work was done, or a decision left
    some due now, like the last partner sealing): wake it."""

    fresh: bool
    checkins: bool = False
    # What it queued: leased to the delivery in the same transaction (`lease`), and the
    # destinations of the rest, which wait for their turn.
    leased: tuple[OutboxItem, ...] = ()
    waiting: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Decider:
    """Everything a decision needs besides the event: the database and the context."""

    engine: Engine
    clock: Callable[[], datetime]
    tokens: Callable[[], str]
    default_language: str
    checkin_window: timedelta

    def context(self, platform: str) -> Context:
        return Context(
            now=self.clock(),
            platform=platform,
            token=self.tokens(),
            default_language=self.default_language,
            checkin_window=self.checkin_window,
        )

    def decide(self, platform: str, events: Sequence[Event], inbox_id: int,
               lease: Lease | None = None) -> Decided:
        """Decide the events one inbox row stands for and mark the row decided, all in
        one transaction; not fresh (nothing decided) when the row was decided before.

        With a `lease` (the delivery's terms), what the decision queues is leased to the
        delivery in that same transaction where it may be sent at once, so that the
        delivery sends it without claiming it first."""
        try:
            return self._decide(platform, events, inbox_id, lease)
        except IntegrityError:
            # Another process created the same row first (two `setup`s in one new
            # channel on PostgreSQL): decide again, now seeing what it stored.
            return self._decide(platform, events, inbox_id, lease)

    def _decide(self, platform: str, events: Sequence[Event], inbox_id: int,
                lease: Lease | None) -> Decided:
        ctx = self.context(platform)
        checkins = False
        with UnitOfWork(self.engine) as uow:
            # First: on PostgreSQL this locks the row, so a second process deciding it
            # (its lease ran out) waits here and then finds it decided.
            if not uow.inbox.mark_decided(inbox_id, wall_clock()):
                log.info("%s inbox row %s was decided before", platform, inbox_id)
                return Decided(False)
            for event in events:
                decision, partnership_id = _dispatch(uow, platform, event, ctx)
                uow.record(platform, partnership_id, decision)
                checkins = checkins or isinstance(event, CheckinDue) or (
                    decision.table is not None and work_due(decision.table, ctx.now))
            leased, waiting = uow.outbox.lease_added(ctx.now, lease)
            uow.commit()
        return Decided(True, checkins, tuple(leased), frozenset(waiting))

    def invited_to(self, platform: str, token: str) -> str | None:
        """The shared channel of the partnership this invitation token belongs to."""
        with UnitOfWork(self.engine) as uow:
            table = _by_token(uow, platform, token)
        return table.partnership.channel_id if table is not None else None

    def table_of(self, platform: str, channel_id: str) -> Table | None:
        """The partnership of a shared channel (reads only)."""
        with UnitOfWork(self.engine) as uow:
            return uow.tables.by_channel(platform, channel_id)

    def language_of(self, platform: str, channel_id: str) -> str | None:
        """The language of a shared channel's partnership, None where there is none."""
        with UnitOfWork(self.engine, read_only=True) as uow:
            return uow.tables.language_of(platform, channel_id)

    def tables_of(self, platform: str, user_id: str) -> list[Table]:
        """Every partnership this person is part of on this platform (reads only)."""
        with UnitOfWork(self.engine) as uow:
            return _tables_of(uow, platform, user_id)


def _dispatch(
    uow: UnitOfWork, platform: str, event: Event, ctx: Context
) -> tuple[Decision, int | None]:
    match event:
        case ChannelCommand():
            table = uow.tables.by_channel(platform, event.channel_id)
            if table is not None and wants_history(event, canonical(event.name)):
                ctx = replace(ctx, history=tuple(uow.tables.revealed(_id(table) or 0)))
            return channel_command(table, event, ctx), _id(table)
        case PrivateText() | PrivateCommand():
            loaded = _tables_of(uow, platform, event.actor.user_id)
            if isinstance(event, PrivateCommand) and wants_history(event, canonical(event.name)):
                ctx = replace(ctx, history=tuple(
                    uow.tables.own_history(platform, event.actor.user_id)))
            handler = private_text if isinstance(event, PrivateText) else private_command
            return handler(loaded, event, ctx), None
        case ButtonPress() if payloads.partnership_of(event.payload) is None:
            # A button we cannot read: answered where the person is, in their language.
            return unknown_button(_tables_of(uow, platform, event.actor.user_id), event,
                                  ctx), None
        case ButtonPress():
            pid = payloads.partnership_of(event.payload)
            table = _on_platform(uow.tables.by_id(pid) if pid is not None else None, platform)
            return button_press(table, event, ctx), _id(table)
        case Join():
            table = _by_token(uow, platform, event.token)
            return join(table, event, ctx), _id(table)
        case CheckinDue():
            table = _on_platform(uow.tables.by_id(event.partnership_id), platform)
            if table is None:  # gone meanwhile
                return Decision(None), None
            return _checkin_work(uow, table, event.work, ctx), _id(table)
    raise TypeError(f"unknown event {event!r}")


def _checkin_work(uow: UnitOfWork, table: Table, work: str, ctx: Context) -> Decision:
    """The scheduler's work, re-checked by the core against the locked state: not due
    (any more) means nothing happens."""
    if work == CheckinWork.OPEN:
        return checkin_due(table, ctx)
    if work == CheckinWork.REMIND:
        return remind_due(table, ctx)
    if work == CheckinWork.CLOSE:
        pid = table.partnership.id or 0
        history = sorted([*uow.tables.closed_rounds(pid, RoundKind.INTERESTS),
                          *uow.tables.closed_rounds(pid, RoundKind.CHECKIN)],
                         key=lambda pair: pair[0].number)
        return close_due(table, history, ctx)
    raise ValueError(f"unknown check-in work {work!r}")


def _tables_of(uow: UnitOfWork, platform: str, user_id: str) -> list[Table]:
    ids = uow.tables.partnership_ids_for_user(platform, user_id)
    return [t for t in (uow.tables.by_id(i) for i in ids) if t is not None]


def _by_token(uow: UnitOfWork, platform: str, token: str) -> Table | None:
    pid = uow.tables.partnership_id_for_token(token)
    return _on_platform(uow.tables.by_id(pid) if pid is not None else None, platform)


def _on_platform(table: Table | None, platform: str) -> Table | None:
    """A partnership only answers events from its own platform."""
    return table if table is not None and table.partnership.platform == platform else None


def _id(table: Table | None) -> int | None:
    return table.partnership.id if table is not None else None

"""Decide: one event in, the core's decision stored in one unit of work.

The state, the effects it causes (the outbox) and, when the platform gave one, the
event id (duplicates have no effect) are committed together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from conversations import payloads
from conversations.context import Context
from conversations.decision import Decision
from conversations.events import (
    ButtonPress,
    ChannelCommand,
    Event,
    Join,
    PrivateCommand,
    PrivateText,
)
from conversations.lifecycle import channel_command
from conversations.model import Table
from conversations.private import (
    button_press,
    join,
    private_command,
    private_text,
)
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


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

    def decide(self, platform: str, event: Event, event_id: str | None) -> bool:
        """Decide and store one event; False when `event_id` was handled before."""
        try:
            return self._decide(platform, event, event_id)
        except IntegrityError:
            # Another process created the same row first (two `setup`s in one new
            # channel on PostgreSQL): decide again, now seeing what it stored.
            return self._decide(platform, event, event_id)

    def _decide(self, platform: str, event: Event, event_id: str | None) -> bool:
        ctx = self.context(platform)
        with UnitOfWork(self.engine) as uow:
            if event_id is not None and not uow.events.first_time(platform, event_id, ctx.now):
                log.info("duplicate %s event %s ignored", platform, event_id)
                return False
            decision, partnership_id = _dispatch(uow, platform, event, ctx)
            uow.record(platform, partnership_id, decision)
            uow.commit()
        return True

    def invited_to(self, platform: str, token: str) -> str | None:
        """The shared channel of the partnership this invitation token belongs to."""
        with UnitOfWork(self.engine) as uow:
            table = _by_token(uow, platform, token)
        return table.partnership.channel_id if table is not None else None

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
            return channel_command(table, event, ctx), _id(table)
        case PrivateText() | PrivateCommand():
            loaded = _tables_of(uow, platform, event.actor.user_id)
            handler = private_text if isinstance(event, PrivateText) else private_command
            return handler(loaded, event, ctx), None
        case ButtonPress():
            press = payloads.decode(event.payload)
            pid = press.partnership_id if press else None
            table = _on_platform(uow.tables.by_id(pid) if pid is not None else None, platform)
            return button_press(table, event, ctx), _id(table)
        case Join():
            table = _by_token(uow, platform, event.token)
            return join(table, event, ctx), _id(table)
    raise TypeError(f"unknown event {event!r}")


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

"""The inbox: platform events stored before the platform is told we have them.

`add` is one short insert (a duplicate of an event id is a no-op, not an error);
`claim` hands out what is due, oldest first, at most one row per actor and per chat at a
time so that each person's and each chat's events are decided in the order they came;
`mark_decided` runs in the transaction of the decision itself, so that an event is
decided exactly once, and clears the payload (it holds what a partner typed).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.claims import Only, claim_variants, only_those_given
from storage.schema import InboxRow

EVENT = "event"  # a core event, as `storage.serialization.event_to_json` writes it
RAW = "raw"  # the platform's own payload, translated by its adapter when decided

# The table itself: statements on it skip the ORM's work (they run for every event).
_inbox = InboxRow.__table__
_pending = _inbox.c.next_attempt_at.is_not(None)


@dataclass(frozen=True)
class Received:
    """One event as it arrived: `actor` and `chat` (ids, never text) keep its order."""

    platform: str
    event_id: str | None
    kind: str
    payload: dict[str, Any]
    actor: str | None = None
    chat: str | None = None


@dataclass(frozen=True)
class InboxItem:
    """A claimed row; `payload` is None when the row cannot be read."""

    id: int
    platform: str
    kind: str
    payload: dict[str, Any] | None
    attempts: int
    received_at: datetime


@dataclass(frozen=True)
class Claimed:
    """What a claim handed out, and whether due rows were left (behind an earlier row of
    their actor or chat, or beyond the limit): only then can claiming again before
    anything new is stored find more."""

    items: list[InboxItem]
    more: bool


@dataclass(frozen=True)
class InboxState:
    done: bool  # decided or set aside
    attempts: int


class InboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, received: Received, now: datetime) -> int | None:
        """Store the event, due at once; its row id, or None for a duplicate event id."""
        stmt = _ADD[self.session.get_bind().dialect.name == "postgresql"]
        values = {"platform": received.platform, "event_id": received.event_id,
                  "kind": received.kind, "actor": received.actor, "chat": received.chat,
                  "payload": received.payload, "received_at": now, "attempts": 0,
                  "next_attempt_at": now}
        return self.session.execute(stmt, values).scalar_one_or_none()

    def claim(self, now: datetime, limit: int, lease_seconds: float,
              platforms: Collection[str] | None = None) -> Claimed:
        """Undecided rows due at `now`, oldest first, leased for `lease_seconds`.

        A row waits while an earlier undecided row has the same actor or chat (also one
        being decided by another process, or waiting for a retry). On PostgreSQL the rows
        are locked ``FOR UPDATE SKIP LOCKED``, so two claims never return the same row;
        the lease keeps it from others until it runs out (a process that died).
        """
        postgresql = self.session.get_bind().dialect.name == "postgresql"
        everywhere = platforms is None
        params = {"now": now, "limit": limit}
        if platforms is not None:
            params["platforms"] = list(platforms)
        rows = self.session.execute(_CLAIM[(everywhere, postgresql)], params).all()
        if rows:
            self.session.execute(_LEASE, {"rows": [r.id for r in rows],
                                          "until": now + timedelta(seconds=lease_seconds)})
        # The rows just leased are no longer due: what is, was left.
        more = bool(self.session.scalar(_DUE[everywhere], params))
        return Claimed([InboxItem(r.id, r.platform, r.kind,
                                  r.payload if isinstance(r.payload, dict) else None,
                                  r.attempts, r.received_at) for r in rows], more)

    def mark_decided(self, inbox_id: int, now: datetime) -> bool:
        """Decided, payload cleared: call this first in the decision's own transaction.
        False when it was decided (or set aside) already: then decide nothing."""
        result = self.session.execute(_MARK_DECIDED, {"row": inbox_id, "now": now})
        return result.rowcount == 1  # type: ignore[attr-defined]

    def retry_later(self, inbox_id: int, now: datetime, delay_seconds: float,
                    error: str) -> None:
        """Count a failed attempt; due again after `delay_seconds`."""
        self._update(InboxRow.id == inbox_id, attempts=InboxRow.attempts + 1,
                     next_attempt_at=now + timedelta(seconds=delay_seconds), error=error[:200])

    def set_aside(self, inbox_id: int, now: datetime, error: str) -> None:
        """Give up on the row for good: it holds up nothing, and its payload is cleared."""
        self._update(InboxRow.id == inbox_id, attempts=InboxRow.attempts + 1, payload=sa.null(),
                     next_attempt_at=None, set_aside_at=now, error=error[:200])

    def state(self, inbox_id: int) -> InboxState:
        row = self.session.execute(
            sa.select(InboxRow.next_attempt_at, InboxRow.attempts).where(InboxRow.id == inbox_id)
        ).one()
        return InboxState(row.next_attempt_at is None, row.attempts)

    def pending(self) -> int:
        """How many rows are neither decided nor set aside."""
        return self.session.scalar(
            sa.select(sa.func.count()).select_from(InboxRow).where(_pending)) or 0

    def _update(self, where: sa.ColumnElement[bool], **values: object) -> int:
        result = self.session.execute(
            sa.update(InboxRow).where(where, _pending).values(**values),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount  # type: ignore[attr-defined]


def _claim_query(only: Only | None) -> sa.Select[Any]:
    """The claim's query (built once: building it costs more than running it): due rows
    (of the platforms given, with `only`) without an earlier undecided row of the same
    actor or chat.

    The due rows are found in the index of those not yet decided (`ix_inbox_pending`,
    the platforms asked for in the same place) and taken by id: asked for "due, oldest
    first" directly, SQLite walks the whole table in id order, and PostgreSQL without
    fresh statistics every row of the platform — a week of decided rows, kept to
    recognise events sent again, included."""
    row, due, earlier = _inbox.c, _inbox.alias().c, _inbox.alias().c
    due_ids = sa.select(due.id).where(due.next_attempt_at <= sa.bindparam("now"))
    if only is not None:
        due_ids = due_ids.where(only(due.platform))
    same_actor = (row.actor.is_not(None)) & (earlier.actor == row.actor)
    same_chat = (row.chat.is_not(None)) & (earlier.chat == row.chat)
    blocked = (
        sa.select(earlier.id)
        .where(earlier.platform == row.platform, earlier.id < row.id,
               earlier.next_attempt_at.is_not(None), same_actor | same_chat)
        .exists()
    )
    return (
        sa.select(row.id, row.platform, row.kind, row.payload, row.attempts, row.received_at)
        .where(row.id.in_(due_ids), ~blocked)
        .order_by(row.id)
        .limit(sa.bindparam("limit"))
    )


_CLAIM = claim_variants(_claim_query)
_due = _inbox.c.next_attempt_at <= sa.bindparam("now")
# (all platforms) → whether a row is due
_DUE = {
    True: sa.select(sa.exists().where(_due)),
    False: sa.select(sa.exists().where(_due, only_those_given(_inbox.c.platform))),
}


# Built once: they run for every event.
def _add_statement(postgresql: bool) -> sa.Insert:
    """Insert one event; a duplicate event id inserts nothing and returns no id."""
    insert = postgresql_insert if postgresql else sqlite_insert
    return (insert(_inbox).on_conflict_do_nothing(index_elements=["platform", "event_id"])
            .returning(_inbox.c.id))


_ADD = {p: _add_statement(p) for p in (True, False)}
_LEASE = (sa.update(_inbox)
          .where(_inbox.c.id.in_(sa.bindparam("rows", expanding=True)), _pending)
          .values(next_attempt_at=sa.bindparam("until")))
_MARK_DECIDED = (
    sa.update(_inbox)
    .where(_inbox.c.id == sa.bindparam("row"), _pending)
    .values(decided_at=sa.bindparam("now"), payload=sa.null(), next_attempt_at=None, error=None)
)

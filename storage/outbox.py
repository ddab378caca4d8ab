"""The outbox: effects written in the same transaction as the state change, sent later."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from conversations.effects import EditMessage, Effect, SendPrivate, destination
from conversations.messages import Message
from storage.claims import Only, claim_variants
from storage.schema import OutboxRow
from storage.serialization import effect_from_json, effect_to_json


@dataclass(frozen=True)
class OutboxItem:
    """A claimed effect; `attempts` counts the earlier failed attempts (rate limits not
    included), `lease` is the claim's fencing token. `in_doubt`: an earlier attempt was cut
    off and may have reached the platform after `progress` parts."""

    id: int
    platform: str
    partnership_id: int | None
    effect: Effect
    attempts: int
    progress: int = 0  # parts of a split message that already arrived
    lease: str = ""
    destination: str = ""
    retry_until: datetime | None = None
    in_doubt: bool = False
    created_at: datetime | None = None


DUE_AT_ONCE = datetime(1970, 1, 1, tzinfo=UTC)
# The payload of a row that was sent or failed: the message may quote sealed answers, and
# nothing reads it again (the Slack in-doubt check and the failure notice need the id).
CLEARED: dict[str, object] = {}


def _waiting(rows: sa.FromClause) -> sa.ColumnElement[bool]:
    """Neither sent nor failed: exactly the predicate of the partial index
    ``ix_outbox_waiting``, which a query must repeat to be able to use it."""
    return sa.and_(rows.c.sent_at.is_(None), rows.c.failed_at.is_(None))


# The table itself: statements on it skip the ORM's work (they run for every message).
_outbox = OutboxRow.__table__
_pending = _waiting(_outbox)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lease:
    """The terms on which a delivery takes items: for how long, and as which process."""

    seconds: float
    owner: int | None


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        # What this transaction queued, in order: (id, platform, partnership, effect, when).
        self._added: list[tuple[int, str, int | None, Effect, datetime]] = []

    @property
    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def add(
        self,
        platform: str,
        partnership_id: int | None,
        effect: Effect,
        now: datetime | None = None,
    ) -> int:
        """Queue `effect`; call this in the transaction that makes the change it reports.

        The item is claimable from `now` on; without `now` it is due at once, whatever
        clock the claimer uses (`created_at` then records the wall clock). Returns the
        new row's id; ids define the delivery order.
        """
        kind, payload = effect_to_json(effect)
        created = now if now is not None else datetime.now(UTC)
        due = now if now is not None else DUE_AT_ONCE
        result = self.session.execute(_ADD, {
            "platform": platform, "partnership_id": partnership_id, "kind": kind,
            "destination": destination(effect), "payload": payload, "created_at": created,
            "attempts": 0, "next_attempt_at": due})
        row_id = int(result.inserted_primary_key[0])
        self._added.append((row_id, platform, partnership_id, effect, created))
        return row_id

    def lease_added(self, now: datetime,
                    lease: Lease | None) -> tuple[list[OutboxItem], set[str]]:
        """Lease what this transaction queued to the delivery that will send it at once,
        as `claim` would, without a claim of its own: each item that is the oldest one
        waiting for its destination. Returns those, and the destinations of the others,
        which wait for their turn and are claimed (all of them without a `lease`)."""
        items: list[OutboxItem] = []
        waiting: set[str] = set()
        for row_id, platform, partnership_id, effect, created in self._added:
            if lease is None:
                waiting.add(destination(effect))
                continue
            token = secrets.token_hex(16)
            leased = self.session.execute(_LEASE_HEAD, {
                "item": row_id, "until": now + timedelta(seconds=lease.seconds),
                "lease": token, "holder": lease.owner}).rowcount  # type: ignore[attr-defined]
            if leased == 1:
                items.append(OutboxItem(id=row_id, platform=platform,
                                        partnership_id=partnership_id, effect=effect,
                                        attempts=0, lease=token,
                                        destination=destination(effect), created_at=created))
            else:
                waiting.add(destination(effect))
        self._added.clear()
        return items, waiting

    def claim(
        self,
        now: datetime,
        limit: int,
        lease_seconds: float = 60,
        platforms: Collection[str] | None = None,
        owner: int | None = None,
    ) -> list[OutboxItem]:
        """Pending items due at `now`, oldest first, leased for `lease_seconds` to `owner`.

        Their next attempt moves to ``now + lease`` so that no other process takes them
        while they are being sent, and each gets a fresh lease token: only its holder can
        record how the attempt ended. Each is marked in doubt until its outcome is
        recorded: a holder that dies mid-send leaves that mark for the next one. On
        PostgreSQL the rows are selected ``FOR UPDATE SKIP LOCKED`` so that concurrent
        claims never return the same item. `platforms` limits the claim to what the
        calling process can deliver. An item waits while an earlier one to the same
        destination is still undelivered, so a retried message is never overtaken by a
        later one: only each destination's head is a candidate (`_heads`), so the cost
        follows the number of destinations waiting, not the rows behind them nor the
        delivered history. A row that cannot be decoded is set aside as failed (logged
        without its content, its payload cleared) and never blocks the others.
        """
        heads = self.session.scalars(_HEADS).all()
        if not heads:
            return []
        params: dict[str, Any] = {"heads": heads, "now": now, "limit": limit}
        if platforms is not None:
            params["platforms"] = list(platforms)
        stmt = _CLAIM[(platforms is None, self._postgresql)]
        rows = self.session.execute(stmt, params).all()
        if not rows:
            return []
        items = []
        for r in rows:
            try:
                effect = effect_from_json(r.kind, r.payload)
            except Exception as error:  # noqa: BLE001 - any undecodable row is set aside
                log.warning("outbox item %s cannot be decoded (%s): set aside as failed",
                            r.id, type(error).__name__)
                self._update(OutboxRow.id == r.id, failed_at=now, payload=CLEARED,
                             error=f"cannot be decoded: {type(error).__name__}")
                continue
            items.append(OutboxItem(
                id=r.id,
                platform=r.platform,
                partnership_id=r.partnership_id,
                effect=effect,
                attempts=r.attempts,
                progress=r.progress,
                lease=secrets.token_hex(16),
                destination=r.destination,
                retry_until=r.retry_until,
                in_doubt=r.in_doubt,
                created_at=r.created_at,
            ))
        if items:
            until = now + timedelta(seconds=lease_seconds)
            self.session.execute(_LEASE, [{"item": item.id, "until": until, "lease": item.lease,
                                           "holder": owner} for item in items])
        return items

    def lease_owners(self, now: datetime) -> set[int]:
        """The processes holding leases that have not run out yet."""
        return set(self.session.scalars(
            sa.select(OutboxRow.lease_owner).distinct().where(
                _pending, OutboxRow.lease_token.is_not(None),
                OutboxRow.lease_owner.is_not(None), OutboxRow.next_attempt_at > now)))

    def reclaim(self, owners: Collection[int], now: datetime) -> int:
        """Make the items leased by these (dead) processes due at once; how many."""
        if not owners:
            return 0
        return self._update(
            sa.and_(_pending, OutboxRow.lease_token.is_not(None),
                    OutboxRow.lease_owner.in_(list(owners))),
            next_attempt_at=now, lease_owner=None)

    def release(self, item: OutboxItem, now: datetime, *, in_doubt: bool) -> bool:
        """Give the item back, due at once (a process stopping); False when the lease was
        already lost. `in_doubt`: the send was cut off and may have arrived."""
        return self._fenced(item, next_attempt_at=now, lease_token=None, lease_owner=None,
                            in_doubt=in_doubt)

    def renew(self, leases: Collection[str], now: datetime, lease_seconds: float) -> None:
        """Extend the leases still held under these tokens (the heartbeat of a sender)."""
        if leases:
            self._update(sa.and_(_pending, OutboxRow.lease_token.in_(list(leases))),
                         next_attempt_at=now + timedelta(seconds=lease_seconds))

    def record_progress(self, item: OutboxItem, parts: int) -> bool:
        """`parts` of the split message arrived; False when the lease was lost."""
        return self._fenced(item, progress=parts)

    def mark_sent(self, item: OutboxItem, now: datetime) -> bool:
        """The item arrived, its payload emptied; False (and nothing written) when the
        lease was lost."""
        result = self.session.execute(_MARK_SENT, {"item": item.id, "lease": item.lease,
                                                   "now": now})
        return result.rowcount == 1  # type: ignore[attr-defined]

    def retry_later(
        self,
        item: OutboxItem,
        now: datetime,
        delay_seconds: float,
        error: str,
        retry_until: datetime,
        *,
        counts: bool = True,
        in_doubt: bool = False,
    ) -> bool:
        """Try again after `delay_seconds`, until `retry_until`; `counts` adds an attempt
        (a wait the platform asked for does not); `in_doubt`: the failure left open whether
        the platform got it (no answer). False when the lease was lost."""
        return self._fenced(
            item,
            attempts=OutboxRow.attempts + (1 if counts else 0),
            next_attempt_at=now + timedelta(seconds=delay_seconds),
            error=error,
            retry_until=retry_until,
            lease_token=None,
            lease_owner=None,
            in_doubt=in_doubt,
        )

    def mark_failed(self, item: OutboxItem, now: datetime, error: str) -> bool:
        """Count a failed attempt and give up on the item for good, its payload emptied
        (the coordinators' notice is made from `item`); False when the lease was lost."""
        return self._fenced(
            item,
            attempts=OutboxRow.attempts + 1,
            failed_at=now,
            error=error,
            lease_token=None,
            lease_owner=None,
            payload=CLEARED,
        )

    def forget(self, platform: str, user_id: str, partnership_ids: Collection[int]) -> None:
        """Delete every private message to this person, sent or not: they carry answers.

        An edit does not say whose chat it was in, so the delivered edits of their
        partnerships go too (pressed buttons shown answered: history nobody needs).
        """
        private = destination(SendPrivate(user_id, Message(())))
        self.session.execute(sa.delete(OutboxRow).where(
            OutboxRow.platform == platform,
            sa.or_(
                OutboxRow.destination == private,
                (OutboxRow.kind == EditMessage.__name__)
                & OutboxRow.partnership_id.in_(partnership_ids)
                & sa.or_(OutboxRow.sent_at.is_not(None), OutboxRow.failed_at.is_not(None)),
            ),
        ))

    def pending(self) -> int:
        """How many items are neither sent nor failed (leased ones included)."""
        return (
            self.session.scalar(sa.select(sa.func.count()).select_from(OutboxRow).where(_pending))
            or 0
        )

    def _fenced(self, item: OutboxItem, **values: object) -> bool:
        """Write `values` only while the row still carries `item`'s lease token."""
        where = sa.and_(OutboxRow.id == item.id, OutboxRow.lease_token == item.lease, _pending)
        return self._update(where, **values) == 1

    def _update(self, where: sa.ColumnElement[bool], **values: object) -> int:
        result = self.session.execute(
            sa.update(OutboxRow).where(where).values(**values),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount  # type: ignore[attr-defined]


def _heads() -> sa.Select[tuple[int]]:
    """The id of each destination's oldest waiting item, read from the partial index
    ``ix_outbox_waiting`` (destination, id) alone.

    A loose index scan: a recursive query steps from one destination's oldest waiting
    row to the next destination's (one index seek each, in index order), so the cost
    follows the number of destinations waiting, not the rows behind them. Neither
    database skips through an index by itself, and a plain ``GROUP BY destination``
    would read every waiting row of a backlog. The claim then reads those rows by
    primary key: in one statement, the planners (SQLite's above all) may instead walk
    every due row and test each against the list.
    """
    step = _outbox.alias()

    def first(column: sa.ColumnElement[Any],
              after: sa.ColumnElement[str] | None) -> sa.ScalarSelect[Any]:
        query = sa.select(column).where(_waiting(step))
        if after is not None:
            query = query.where(step.c.destination > after)
        return query.order_by(step.c.destination, step.c.id).limit(1).scalar_subquery()

    walk = sa.select(first(step.c.destination, None).label("destination"),
                     first(step.c.id, None).label("id")).cte("heads", recursive=True)
    walk = walk.union_all(
        sa.select(first(step.c.destination, walk.c.destination),
                  first(step.c.id, walk.c.destination))
        .where(walk.c.destination.is_not(None)))
    return sa.select(walk.c.id).where(walk.c.id.is_not(None))


_HEADS = _heads()


def _claim_query(only: Only | None) -> sa.Select[Any]:
    """The waiting heads (`_HEADS`) that are due (of the platforms given, with `only`)."""
    c = _outbox.c
    query = (
        sa.select(c.id, c.platform, c.partnership_id, c.kind, c.destination, c.payload,
                  c.attempts, c.progress, c.retry_until, c.in_doubt, c.created_at)
        # Inlined: a long list of waiting destinations never runs into a bind limit.
        .where(c.id.in_(sa.bindparam("heads", expanding=True, literal_execute=True)))
        # Checked again: on PostgreSQL a row another process claimed or sent since the
        # heads were read is skipped or, once its lock is free, fails these.
        .where(_pending, c.next_attempt_at <= sa.bindparam("now"))
        .order_by(c.id)
        .limit(sa.bindparam("limit"))
    )
    return query if only is None else query.where(only(c.platform))


_CLAIM = claim_variants(_claim_query)


def _lease_head() -> sa.Update:
    """Lease one item, only when no older item to its destination is waiting."""
    older = _outbox.alias()
    return (
        sa.update(_outbox)
        .where(_outbox.c.id == sa.bindparam("item"), _pending,
               ~sa.select(older.c.id).where(older.c.destination == _outbox.c.destination,
                                            older.c.id < _outbox.c.id,
                                            _waiting(older)).exists())
        .values(next_attempt_at=sa.bindparam("until"), lease_token=sa.bindparam("lease"),
                lease_owner=sa.bindparam("holder"), in_doubt=True)
    )


_LEASE_HEAD = _lease_head()
# A claimed item, leased (its claim found it the head of its destination).
_LEASE = (sa.update(_outbox).where(_outbox.c.id == sa.bindparam("item"))
          .values(next_attempt_at=sa.bindparam("until"), lease_token=sa.bindparam("lease"),
                  lease_owner=sa.bindparam("holder"), in_doubt=True))

# Built once: they run for every message.
_ADD = sa.insert(_outbox)
_MARK_SENT = (
    sa.update(_outbox)
    .where(_outbox.c.id == sa.bindparam("item"),
           _outbox.c.lease_token == sa.bindparam("lease"), _pending)
    .values(sent_at=sa.bindparam("now"), next_attempt_at=sa.bindparam("now"),
            lease_token=None, lease_owner=None, in_doubt=False, payload=CLEARED)
)

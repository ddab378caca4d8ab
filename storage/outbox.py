"""The outbox: effects written in the same transaction as the state change, sent later."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from conversations.effects import Effect, destination
from storage.schema import OutboxRow
from storage.serialization import effect_from_json, effect_to_json


@dataclass(frozen=True)
class OutboxItem:
    """A claimed effect; `attempts` counts the earlier failed attempts."""

    id: int
    platform: str
    partnership_id: int | None
    effect: Effect
    attempts: int
    progress: int = 0  # parts of a split message that already arrived


DUE_AT_ONCE = datetime(1970, 1, 1, tzinfo=UTC)
_pending = sa.and_(OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None))


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

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
        result = self.session.execute(
            sa.insert(OutboxRow.__table__).values(
                platform=platform,
                partnership_id=partnership_id,
                kind=kind,
                destination=destination(effect),
                payload=payload,
                created_at=created,
                attempts=0,
                next_attempt_at=due,
            )
        )
        return int(result.inserted_primary_key[0])

    def claim(
        self,
        now: datetime,
        limit: int,
        lease_seconds: float = 60,
        platforms: Collection[str] | None = None,
    ) -> list[OutboxItem]:
        """Pending items due at `now`, oldest first, leased for `lease_seconds`.

        Their next attempt moves to ``now + lease`` so that no other process takes them
        while they are being sent; on PostgreSQL the rows are selected ``FOR UPDATE SKIP
        LOCKED`` so that concurrent claims never return the same item. `platforms`
        limits the claim to what the calling process can deliver. An item waits while an
        earlier one to the same destination is still undelivered, so a retried message is
        never overtaken by a later one.
        """
        earlier = aliased(OutboxRow)
        blocked = (
            sa.select(earlier.id)
            .where(
                earlier.destination == OutboxRow.destination,
                earlier.id < OutboxRow.id,
                earlier.sent_at.is_(None),
                earlier.failed_at.is_(None),
            )
            .exists()
        )
        stmt = (
            sa.select(
                OutboxRow.id,
                OutboxRow.platform,
                OutboxRow.partnership_id,
                OutboxRow.kind,
                OutboxRow.payload,
                OutboxRow.attempts,
                OutboxRow.progress,
            )
            .where(_pending, OutboxRow.next_attempt_at <= now, ~blocked)
            .where(sa.true() if platforms is None else OutboxRow.platform.in_(list(platforms)))
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        if self._postgresql:
            stmt = stmt.with_for_update(skip_locked=True)
        rows = self.session.execute(stmt).all()
        if not rows:
            return []
        self._update(
            OutboxRow.id.in_([r.id for r in rows]),
            next_attempt_at=now + timedelta(seconds=lease_seconds),
        )
        return [
            OutboxItem(
                id=r.id,
                platform=r.platform,
                partnership_id=r.partnership_id,
                effect=effect_from_json(r.kind, r.payload),
                attempts=r.attempts,
                progress=r.progress,
            )
            for r in rows
        ]

    def mark_sent(self, item_id: int, now: datetime) -> None:
        self._update(OutboxRow.id == item_id, sent_at=now, next_attempt_at=now)

    def retry_later(
        self, item_id: int, now: datetime, delay_seconds: float, error: str, progress: int = 0
    ) -> None:
        """Count a failed attempt and try again after `delay_seconds`, starting after the
        `progress` parts that arrived."""
        self._update(
            OutboxRow.id == item_id,
            attempts=OutboxRow.attempts + 1,
            next_attempt_at=now + timedelta(seconds=delay_seconds),
            error=error,
            progress=progress,
        )

    def mark_failed(self, item_id: int, now: datetime, error: str) -> None:
        """Count a failed attempt and give up on the item for good."""
        self._update(
            OutboxRow.id == item_id,
            attempts=OutboxRow.attempts + 1,
            failed_at=now,
            error=error,
        )

    def pending(self) -> int:
        """How many items are neither sent nor failed (leased ones included)."""
        return (
            self.session.scalar(sa.select(sa.func.count()).select_from(OutboxRow).where(_pending))
            or 0
        )

    def _update(self, where: sa.ColumnElement[bool], **values: object) -> None:
        self.session.execute(
            sa.update(OutboxRow).where(where).values(**values),
            execution_options={"synchronize_session": False},
        )

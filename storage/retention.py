"""Retention: what is done with is deleted after a while, a bounded batch at a time.

Outbox rows that were sent or failed, and inbox rows that were decided or set aside,
are deleted `keep` after that happened; the check-in scheduler calls `prune` on every
tick. Their payloads were emptied already in the write that marked them; what is left
only deduplicates (the inbox's platform event id) or records a delivery, so the database
does not grow with the messages it handled.

The outbox's times come from the delivery's clock (`now`), the inbox's from real time
(`bot.inbox` leases and decides by the wall clock, whatever the core's clock says).

`keep` is at least a day: the inbox recognises an event the platform sends again only
while it keeps its id, and platforms send again within that time (Slack within minutes,
Telegram for up to 24 hours).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.schema import InboxRow, OutboxRow

MINIMUM = timedelta(days=1)
DEFAULT_KEEP = timedelta(days=7)
DEFAULT_BATCH = 500
# Each column is the time a row was done with, with a partial index of its own.
_OUTBOX = (OutboxRow.sent_at, OutboxRow.failed_at)
_INBOX = (InboxRow.decided_at, InboxRow.set_aside_at)


def prune(engine: Engine, now: datetime, keep: timedelta = DEFAULT_KEEP,
          batch: int = DEFAULT_BATCH, inbox_now: datetime | None = None) -> int:
    """Delete at most `batch` rows done with `keep` before now (the outbox's `now`, the
    inbox's `inbox_now`: real time by default), oldest first, in one transaction; how
    many (`batch` means there may be more)."""
    if keep < MINIMUM:
        raise ValueError(f"retention must be at least {MINIMUM}, not {keep}")
    before = {**dict.fromkeys(_OUTBOX, now - keep),
              **dict.fromkeys(_INBOX, (inbox_now or datetime.now(UTC)) - keep)}
    deleted = 0
    with Session(engine) as session, session.begin():
        for done, cutoff in before.items():
            if deleted < batch:
                deleted += _delete_oldest(session, done, cutoff, batch - deleted)
    return deleted


def _delete_oldest(session: Session, done: InstrumentedAttribute[datetime | None],
                   before: datetime, limit: int) -> int:
    model = done.class_
    # On PostgreSQL another process pruning at the same moment skips these, not waits.
    oldest = (sa.select(model.id).where(done < before).order_by(done).limit(limit)
              .with_for_update(skip_locked=True))
    result = session.execute(sa.delete(model).where(model.id.in_(oldest)),
                             execution_options={"synchronize_session": False})
    return result.rowcount  # type: ignore[attr-defined]

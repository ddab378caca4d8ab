"""Platform events already handled, so that a duplicate delivery is ignored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.schema import ProcessedEventRow


class ProcessedEventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def first_time(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record the event; False when it had been recorded before.

        ``INSERT … ON CONFLICT DO NOTHING`` never raises on a duplicate, so the
        surrounding transaction stays usable. On PostgreSQL a concurrent insert of the
        same key waits for the other transaction and then reports the outcome.
        """
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(ProcessedEventRow.__table__)
            .values(platform=platform, event_id=event_id, processed_at=now)
            .on_conflict_do_nothing(index_elements=["platform", "event_id"])
        )
        # rowcount of an INSERT is only kept when asked for (SQLAlchemy >= 2.0.28).
        result = self.session.execute(stmt, execution_options={"preserve_rowcount": True})
        return result.rowcount == 1  # type: ignore[attr-defined]

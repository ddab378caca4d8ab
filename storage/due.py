"""What the check-in scheduler finds due: read-only, indexed queries.

Each returns at most `limit` partnerships with the moment their work fell due, the most
overdue first, and touches no row: the work itself is an inbox event (`CheckinDue`),
decided like any other against the partnership's locked, current state.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from conversations.model import RoundKind, RoundStatus
from storage.schema import PartnershipRow, RoundRow


@dataclass(frozen=True)
class Due:
    """Work for a partnership, due since `at`; `round` is the open check-in's number
    (None for a planned check-in)."""

    partnership_id: int
    platform: str
    channel_id: str
    at: datetime
    round: int | None = None


class DueRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def checkins(self, now: datetime, limit: int, platforms: Collection[str]) -> list[Due]:
        """Partnerships whose planned check-in is due (index on next_checkin_at)."""
        at = PartnershipRow.next_checkin_at
        stmt = (
            sa.select(PartnershipRow.id, PartnershipRow.platform, PartnershipRow.channel_id, at)
            .where(at <= now, PartnershipRow.platform.in_(platforms))
            .order_by(at, PartnershipRow.id)
            .limit(limit)
        )
        return [Due(*row) for row in self.session.execute(stmt)]

    def reminders(self, now: datetime, limit: int, platforms: Collection[str]) -> list[Due]:
        """Open check-ins whose one reminder is due."""
        return self._open_checkins(RoundRow.remind_at, now, limit, platforms)

    def closings(self, now: datetime, limit: int, platforms: Collection[str]) -> list[Due]:
        """Open check-ins whose window has closed."""
        return self._open_checkins(RoundRow.deadline, now, limit, platforms)

    def _open_checkins(self, at: Any, now: datetime, limit: int,
                       platforms: Collection[str]) -> list[Due]:
        # A range scan on ix_rounds_status_<column>: open rounds only, never the history.
        stmt = (
            sa.select(PartnershipRow.id, PartnershipRow.platform, PartnershipRow.channel_id, at,
                      RoundRow.number)
            .join(RoundRow, RoundRow.partnership_id == PartnershipRow.id)
            .where(
                RoundRow.status == str(RoundStatus.OPEN),
                at <= now,
                RoundRow.kind == str(RoundKind.CHECKIN),
                PartnershipRow.platform.in_(platforms),
            )
            .order_by(at, RoundRow.id)
            .limit(limit)
        )
        return [Due(*row) for row in self.session.execute(stmt)]

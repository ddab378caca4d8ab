"""Check-in rounds: when the one automatic reminder is due, and indexes for the scheduler.

The scheduler asks "which open rounds must close / be reminded by now?" every tick; the
two indexes make that a range scan over open rounds only, whatever the history holds.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("rounds", sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_rounds_status_deadline", "rounds", ["status", "deadline"])
    op.create_index("ix_rounds_status_remind_at", "rounds", ["status", "remind_at"])


def downgrade() -> None:
    op.drop_index("ix_rounds_status_remind_at", table_name="rounds")
    op.drop_index("ix_rounds_status_deadline", table_name="rounds")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("remind_at")

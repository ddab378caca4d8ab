"""The inbox claim reads only the rows not yet decided.

`ix_inbox_pending` (platform, next_attempt_at) holds only the rows still to decide; the
claim finds the due ones there, so it costs the same with a week of decided rows (kept
to recognise an event a platform sends again). It replaces the index over every row's
`next_attempt_at`, which SQLite did not use for the claim: it walked the table instead.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = "next_attempt_at IS NOT NULL"


def upgrade() -> None:
    op.drop_index("ix_inbox_next_attempt_at", table_name="inbox")
    op.create_index("ix_inbox_pending", "inbox", ["platform", "next_attempt_at"],
                    sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))


def downgrade() -> None:
    op.drop_index("ix_inbox_pending", table_name="inbox")
    op.create_index("ix_inbox_next_attempt_at", "inbox", ["next_attempt_at"])

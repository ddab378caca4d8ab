"""Privacy: which question was asked last, and the reveal exactly as it was posted.

`interviews.asked_at` lets a typed answer go to the interview whose question was asked
last (a partner in two partnerships). `rounds.posted` keeps the reveal as posted, with the
anonymity it had, so that `export` never rebuilds it with today's settings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(
            sa.Column("posted", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("posted")
    with op.batch_alter_table("interviews") as batch:
        batch.drop_column("asked_at")

"""Rounds: their number among rounds of the same kind, and the shared ambition.

Interest rounds and check-ins are counted separately, as people say them ("round 2" after
round 1 and check-in 1). Existing rounds get their ordinal from their order per kind.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("ordinal", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("ambition", sa.Text(), nullable=True))
    op.execute(
        """
        UPDATE rounds SET ordinal = (
            SELECT COUNT(*) FROM rounds AS earlier
            WHERE earlier.partnership_id = rounds.partnership_id
              AND earlier.kind = rounds.kind
              AND earlier.number <= rounds.number
        )
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("ambition")
        batch.drop_column("ordinal")

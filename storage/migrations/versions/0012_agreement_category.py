"""Agreement category: the match of the reveal an agreement was proposed from, if any.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agreements") as batch:
        batch.add_column(sa.Column("category", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agreements") as batch:
        batch.drop_column("category")

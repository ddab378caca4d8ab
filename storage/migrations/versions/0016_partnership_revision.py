"""Partnership revision: a random token that every write of a partnership's data sets anew.

A process keeps the tables it loaded (`storage.table_cache`) and uses one again only while
the partnership row, read under its lock, still carries the token it was loaded at. NULL
(every partnership after this migration, and after `forget`): load afresh. A later
migration that changes partnership data must set it to NULL again.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("partnerships") as batch:
        batch.add_column(sa.Column("revision", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("partnerships") as batch:
        batch.drop_column("revision")

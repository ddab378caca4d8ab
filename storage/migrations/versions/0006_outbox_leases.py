"""Outbox leases with a fencing token, and retries on a time budget.

`lease_token` is written by every claim; the writes that finish an attempt (sent, retry,
failed, a part that arrived) only apply while the row still carries the claimer's token,
so a process whose lease ran out cannot record over the one that took the item over.
`retry_until` is when retrying stops: set at the first failure, moved on by every wait
the platform asked for (rate limits never count against the budget).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("lease_token", sa.String(32), nullable=True))
        batch.add_column(sa.Column("retry_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("retry_until")
        batch.drop_column("lease_token")

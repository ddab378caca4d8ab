"""Outbox leases name the process that holds them, and whether a send may have arrived.

`lease_owner` is the delivery process (its owner id) holding an item's lease: a process
that starts sees which owners are dead (their PostgreSQL advisory lock or SQLite owner
file lock is free) and takes their items over at once instead of waiting for the lease
to run out. `in_doubt` says an earlier attempt was cut off after it may have reached the
platform (a kill, a lost lease, an error without an answer): where the platform can be
asked (Slack's message metadata), the next attempt looks before sending again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("lease_owner", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("in_doubt", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("in_doubt")
        batch.drop_column("lease_owner")

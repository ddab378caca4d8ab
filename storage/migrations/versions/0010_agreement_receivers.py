"""Agreement receivers: the partners an agreement is for (check-ins ask them too).

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreement_receivers",
        sa.Column("agreement_id", sa.Integer(),
                  sa.ForeignKey("agreements.id", name="fk_agreement_receivers_agreement"),
                  primary_key=True),
        sa.Column("member_id", sa.Integer(),
                  sa.ForeignKey("members.id", name="fk_agreement_receivers_member"),
                  primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("agreement_receivers")

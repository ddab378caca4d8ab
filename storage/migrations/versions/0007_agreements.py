"""Agreements: what a partner agreed to bring after a reveal, confirmed by that partner.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("partnership_id", sa.Integer(),
                  sa.ForeignKey("partnerships.id", name="fk_agreements_partnership"),
                  nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("giver_id", sa.Integer(),
                  sa.ForeignKey("members.id", name="fk_agreements_giver"), nullable=False),
        sa.Column("proposer_id", sa.Integer(),
                  sa.ForeignKey("members.id", name="fk_agreements_proposer"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("partnership_id", "number", name="uq_agreements_partnership_number"),
    )


def downgrade() -> None:
    op.drop_table("agreements")

"""The inbox: platform events stored before they are acknowledged, decided from there.

It takes over from `processed_events` (the platform's event id, unique per platform, is
the inbox's key): events handled before this version are copied in as decided rows, so a
late duplicate of one of them still has no effect.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                  autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(128), nullable=True),
        sa.Column("chat", sa.String(128), nullable=True),
        sa.Column("payload", JSON, nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("set_aside_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(200), nullable=True),
        sa.UniqueConstraint("platform", "event_id", name="uq_inbox_platform_event"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_inbox_next_attempt_at", "inbox", ["next_attempt_at"])
    op.execute(
        "INSERT INTO inbox (platform, event_id, kind, received_at, attempts, decided_at) "
        "SELECT platform, event_id, 'event', processed_at, 0, processed_at "
        "FROM processed_events ORDER BY processed_at"
    )
    op.drop_table("processed_events")


def downgrade() -> None:
    op.create_table(
        "processed_events",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO processed_events (platform, event_id, processed_at) "
        "SELECT platform, event_id, received_at FROM inbox WHERE event_id IS NOT NULL"
    )
    op.drop_index("ix_inbox_next_attempt_at", table_name="inbox")
    op.drop_table("inbox")

"""Initial schema: partnerships, members, rounds, interviews, processed events, outbox.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "partnerships",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("checkin_weeks", sa.Integer(), nullable=True),
        sa.Column("checkin_weekday", sa.Integer(), nullable=True),
        sa.Column("checkin_time", sa.String(5), nullable=True),
        sa.Column("next_checkin_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("platform", "channel_id", name="uq_partnerships_channel"),
    )
    op.create_index("ix_partnerships_next_checkin_at", "partnerships", ["next_checkin_at"])

    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "partnership_id",
            sa.Integer(),
            sa.ForeignKey("partnerships.id", name="fk_members_partnership"),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=True),
        sa.Column("is_partner", sa.Boolean(), nullable=False),
        sa.Column("is_coordinator", sa.Boolean(), nullable=False),
        sa.Column("unreachable", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("partnership_id", "user_id", name="uq_members_partnership_user"),
    )
    op.create_index("ix_members_user_id", "members", ["user_id"])

    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "partnership_id",
            sa.Integer(),
            sa.ForeignKey("partnerships.id", name="fk_rounds_partnership"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_at", TIMESTAMP, nullable=False),
        sa.Column("deadline", TIMESTAMP, nullable=True),
        sa.Column("closed_at", TIMESTAMP, nullable=True),
        sa.Column("token", sa.String(64), nullable=False),
        sa.UniqueConstraint("partnership_id", "number", name="uq_rounds_partnership_number"),
        sa.UniqueConstraint("token", name="uq_rounds_token"),
    )

    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "round_id",
            sa.Integer(),
            sa.ForeignKey("rounds.id", name="fk_interviews_round"),
            nullable=False,
        ),
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("members.id", name="fk_interviews_member"),
            nullable=False,
        ),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("editing", sa.Boolean(), nullable=False),
        sa.Column("sealed_at", TIMESTAMP, nullable=True),
        sa.Column("reminded_at", TIMESTAMP, nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("round_id", "member_id", name="uq_interviews_round_member"),
    )

    op.create_table(
        "processed_events",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("processed_at", TIMESTAMP, nullable=False),
    )

    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("destination", sa.String(300), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.Column("failed_at", TIMESTAMP, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])
    op.create_index("ix_outbox_destination", "outbox", ["destination", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_destination", table_name="outbox")
    op.drop_index("ix_outbox_next_attempt_at", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("processed_events")
    op.drop_table("interviews")
    op.drop_table("rounds")
    op.drop_index("ix_members_user_id", table_name="members")
    op.drop_table("members")
    op.drop_index("ix_partnerships_next_checkin_at", table_name="partnerships")
    op.drop_table("partnerships")

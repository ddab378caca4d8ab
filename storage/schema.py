"""The tables, as SQLAlchemy 2 declarative models. Only `storage` imports this module."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (also on SQLite)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: storage needs timezone-aware values")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite keeps text; store naive UTC so that text comparison is time order.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSONType}


# The outbox rows still to deliver (`storage.outbox` claims only from these).
OUTBOX_WAITING = "sent_at IS NULL AND failed_at IS NULL"
# The inbox rows not yet decided nor set aside (`storage.inbox` claims only from these).
INBOX_PENDING = "next_attempt_at IS NOT NULL"


def _partial(name: str, *columns: str, where: str) -> sa.Index:
    """An index over the rows `where` holds, on both databases."""
    return sa.Index(name, *columns, sqlite_where=sa.text(where), postgresql_where=sa.text(where))


class PartnershipRow(Base):
    __tablename__ = "partnerships"
    __table_args__ = (
        sa.UniqueConstraint("platform", "channel_id", name="uq_partnerships_channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(sa.String(32))
    channel_id: Mapped[str] = mapped_column(sa.String(128))
    name: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(16))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    anonymous: Mapped[bool] = mapped_column(default=False)
    checkin_weeks: Mapped[int | None]
    checkin_weekday: Mapped[int | None]
    checkin_time: Mapped[str | None] = mapped_column(sa.String(5))
    next_checkin_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set anew (random) by every write of this partnership's data, NULL by `forget` and
    # data migrations: a table a process loaded earlier is still right while this is
    # the token it was loaded at (`storage.table_cache`).
    revision: Mapped[str | None] = mapped_column(sa.String(32))


class MemberRow(Base):
    __tablename__ = "members"
    __table_args__ = (
        sa.UniqueConstraint("partnership_id", "user_id", name="uq_members_partnership_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnerships.id", name="fk_members_partnership")
    )
    user_id: Mapped[str] = mapped_column(sa.String(128), index=True)
    name: Mapped[str] = mapped_column(sa.Text)
    organisation: Mapped[str | None] = mapped_column(sa.Text)
    is_partner: Mapped[bool] = mapped_column(default=False)
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    unreachable: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class RoundRow(Base):
    __tablename__ = "rounds"
    __table_args__ = (
        sa.UniqueConstraint("partnership_id", "number", name="uq_rounds_partnership_number"),
        sa.UniqueConstraint("token", name="uq_rounds_token"),
        # The check-in scheduler: open rounds whose window closes or reminder is due.
        sa.Index("ix_rounds_status_deadline", "status", "deadline"),
        sa.Index("ix_rounds_status_remind_at", "status", "remind_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnerships.id", name="fk_rounds_partnership")
    )
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    opened_at: Mapped[datetime]
    deadline: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    token: Mapped[str] = mapped_column(sa.String(64))
    remind_at: Mapped[datetime | None]
    posted: Mapped[dict[str, Any] | None]
    # The round's number among the rounds of its kind ("round 2", "check-in 3").
    ordinal: Mapped[int] = mapped_column(default=1, server_default="1")
    ambition: Mapped[str | None] = mapped_column(sa.Text)


class InterviewRow(Base):
    __tablename__ = "interviews"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "member_id", name="uq_interviews_round_member"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", name="fk_interviews_round"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", name="fk_interviews_member"))
    step: Mapped[int]
    # Sealed with the interview's own key, which is stored wrapped (storage.sealing).
    answers_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    answer_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    editing: Mapped[bool] = mapped_column(default=False)
    sealed_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    asked_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InboxRow(Base):
    """A platform event as it arrived, stored before the platform was told we have it.

    The platform's event id deduplicates; rows are decided in id (arrival) order per
    actor and per chat. Once decided or set aside the payload (what a partner typed) is
    cleared and `next_attempt_at` is NULL: what is left only deduplicates, until
    `storage.retention` deletes it.
    """

    __tablename__ = "inbox"
    __table_args__ = (
        sa.UniqueConstraint("platform", "event_id", name="uq_inbox_platform_event"),
        # The claim: the rows not yet decided, never the decided history.
        _partial("ix_inbox_pending", "platform", "next_attempt_at", where=INBOX_PENDING),
        # Retention: the oldest decided and set-aside rows.
        _partial("ix_inbox_decided_at", "decided_at", where="decided_at IS NOT NULL"),
        _partial("ix_inbox_set_aside_at", "set_aside_at", where="set_aside_at IS NOT NULL"),
        {"sqlite_autoincrement": True},  # ids are never reused: arrival order
    )

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    platform: Mapped[str] = mapped_column(sa.String(32))
    # The platform's id of the event (None: the source has none, e.g. the terminal).
    event_id: Mapped[str | None] = mapped_column(sa.String(255))
    # "event": a core event (`storage.serialization`); "raw": the platform's own payload.
    kind: Mapped[str] = mapped_column(sa.String(16))
    actor: Mapped[str | None] = mapped_column(sa.String(128))
    chat: Mapped[str | None] = mapped_column(sa.String(128))
    payload: Mapped[dict[str, Any] | None]
    received_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # Due time while undecided (while being decided: the end of the claim's lease).
    next_attempt_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    set_aside_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(sa.String(200))


class OutboxRow(Base):
    """An effect to deliver. `payload` (the message: it may quote sealed answers) is
    emptied to ``{}`` in the write that marks the row sent or failed; `storage.retention`
    deletes such rows after the retention time."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_destination", "destination", "id"),
        # The claim: each destination's oldest waiting row, never the delivered history.
        _partial("ix_outbox_waiting", "destination", "id", where=OUTBOX_WAITING),
        _partial("ix_outbox_next_attempt_at", "next_attempt_at", where=OUTBOX_WAITING),
        # Retention: the oldest delivered and failed rows.
        _partial("ix_outbox_sent_at", "sent_at", where="sent_at IS NOT NULL"),
        _partial("ix_outbox_failed_at", "failed_at", where="failed_at IS NOT NULL"),
        {"sqlite_autoincrement": True},  # ids are never reused: delivery order
    )

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    platform: Mapped[str] = mapped_column(sa.String(32))
    partnership_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(sa.String(64))
    # Where it goes (a user, a channel, a message): one destination's items go in id order.
    destination: Mapped[str] = mapped_column(sa.String(300))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    # Parts of a split message that already arrived: a retry starts after them.
    progress: Mapped[int] = mapped_column(default=0, server_default="0")
    # Due time; while an item is being sent, the end of its lease.
    next_attempt_at: Mapped[datetime]
    # Written by each claim: only its holder may record the outcome (fencing).
    lease_token: Mapped[str | None] = mapped_column(sa.String(32))
    # The process holding the lease (`storage.owners`): a dead one's items are taken over
    # as soon as a living process sees it is dead.
    lease_owner: Mapped[int | None] = mapped_column(sa.BigInteger)
    # An earlier attempt may have reached the platform without our knowing (cut off).
    in_doubt: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Retrying stops after this (set at the first failure; rate-limit waits move it on).
    retry_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(sa.Text)


class AgreementRow(Base):
    """What one partner agreed to bring after a reveal; `number` counts per partnership."""

    __tablename__ = "agreements"
    __table_args__ = (
        sa.UniqueConstraint("partnership_id", "number", name="uq_agreements_partnership_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnerships.id", name="fk_agreements_partnership")
    )
    number: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    giver_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", name="fk_agreements_giver"))
    proposer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", name="fk_agreements_proposer")
    )
    status: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # The category of the reveal's match it was proposed from (None: in someone's words).
    category: Mapped[str | None] = mapped_column(sa.String(32))


class AgreementReceiverRow(Base):
    """A partner an agreement is for; an agreement without any is for the whole partnership."""

    __tablename__ = "agreement_receivers"

    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreements.id", name="fk_agreement_receivers_agreement"),
        primary_key=True,
    )
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", name="fk_agreement_receivers_member"), primary_key=True
    )

"""The repository of the `Table` aggregate (partnership, members, latest rounds, interviews)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from conversations.context import Past
from conversations.model import (
    Interview,
    Member,
    Partnership,
    Round,
    RoundKind,
    RoundStatus,
    Step,
    Table,
)
from storage.agreements import load_agreements, save_agreements
from storage.schema import InterviewRow, MemberRow, PartnershipRow, RoundRow
from storage.sealing import SealedAnswers
from storage.serialization import message_from_json, message_to_json


class TableRepository:
    """Loads and saves whole tables. Loading locks the partnership row until commit.

    On PostgreSQL the lock is ``SELECT … FOR UPDATE``; on SQLite every transaction
    starts with ``BEGIN IMMEDIATE`` (see `storage.database`), which serialises writers.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sealed = SealedAnswers(session)

    @property
    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    # --- loading ------------------------------------------------------------------------
    def by_channel(self, platform: str, channel_id: str) -> Table | None:
        return self._load_locked(
            (PartnershipRow.platform == platform) & (PartnershipRow.channel_id == channel_id)
        )

    def by_id(self, partnership_id: int) -> Table | None:
        return self._load_locked(PartnershipRow.id == partnership_id)

    def _load_locked(self, where: sa.ColumnElement[bool]) -> Table | None:
        stmt = sa.select(PartnershipRow).where(where).execution_options(populate_existing=True)
        if self._postgresql:
            stmt = stmt.with_for_update(of=PartnershipRow)
        row = self.session.scalars(stmt).one_or_none()
        if row is None:
            return None
        return self._table(row)

    def _table(self, p: PartnershipRow) -> Table:
        members = self.session.scalars(
            sa.select(MemberRow)
            .where(MemberRow.partnership_id == p.id)
            .order_by(MemberRow.id)
            .execution_options(populate_existing=True)
        ).all()
        other = aliased(RoundRow)
        latest_numbers = (
            sa.select(sa.func.max(other.number))
            .where(other.partnership_id == p.id)
            .group_by(other.kind)
        )
        rounds = self.session.scalars(
            sa.select(RoundRow)
            .where(RoundRow.partnership_id == p.id, RoundRow.number.in_(latest_numbers))
            .order_by(RoundRow.number)
            .execution_options(populate_existing=True)
        ).all()
        interviews = self._interviews([r.id for r in rounds])
        return Table(
            partnership=_partnership(p),
            members=tuple(_member(m) for m in members),
            rounds=tuple(_round(r) for r in rounds),
            interviews=tuple(self._interview(*found) for found in interviews),
            agreements=load_agreements(self.session, p.id),
        )

    def _interviews(self, round_ids: list[int]) -> list[Any]:
        if not round_ids:
            return []
        return list(
            self.session.execute(
                sa.select(InterviewRow, RoundRow.number, MemberRow.user_id)
                .join(RoundRow, InterviewRow.round_id == RoundRow.id)
                .join(MemberRow, InterviewRow.member_id == MemberRow.id)
                .where(InterviewRow.round_id.in_(round_ids))
                .order_by(RoundRow.number, MemberRow.id)
                .execution_options(populate_existing=True)
            ).all()
        )

    # --- saving -------------------------------------------------------------------------
    def save(self, table: Table) -> Table:
        """Insert or update everything in `table`; nothing is ever deleted.

        Members are matched by user id, rounds by number, interviews by (round number,
        user id). Returns the table with `partnership.id` filled in.
        """
        p = self._save_partnership(table.partnership)

        existing_members = {
            m.user_id: m
            for m in self.session.scalars(
                sa.select(MemberRow).where(MemberRow.partnership_id == p.id)
            )
        }
        for member in table.members:
            row = existing_members.get(member.user_id)
            if row is None:
                row = MemberRow(partnership_id=p.id, user_id=member.user_id)
                self.session.add(row)
                existing_members[member.user_id] = row
            _assign(
                row,
                name=member.name,
                organisation=member.organisation,
                is_partner=member.is_partner,
                is_coordinator=member.is_coordinator,
                unreachable=member.unreachable,
            )

        numbers = {r.number for r in table.rounds} | {i.round_number for i in table.interviews}
        existing_rounds = {
            r.number: r
            for r in self.session.scalars(
                sa.select(RoundRow).where(
                    RoundRow.partnership_id == p.id, RoundRow.number.in_(numbers)
                )
            )
        }
        for rnd in table.rounds:
            row = existing_rounds.get(rnd.number)
            if row is None:
                row = RoundRow(partnership_id=p.id, number=rnd.number)
                self.session.add(row)
                existing_rounds[rnd.number] = row
            _assign(
                row,
                kind=str(rnd.kind),
                status=str(rnd.status),
                opened_at=rnd.opened_at,
                deadline=rnd.deadline,
                closed_at=rnd.closed_at,
                token=rnd.token,
                remind_at=rnd.remind_at,
                posted=message_to_json(rnd.posted) if rnd.posted is not None else None,
                ordinal=rnd.ordinal,
                ambition=rnd.ambition,
            )
        self.session.flush()

        existing_interviews = {
            (i.round_id, i.member_id): i
            for i in self.session.scalars(
                sa.select(InterviewRow).where(
                    InterviewRow.round_id.in_([r.id for r in existing_rounds.values()])
                )
            )
        }
        for interview in table.interviews:
            round_row = existing_rounds.get(interview.round_number)
            member_row = existing_members.get(interview.user_id)
            if round_row is None:
                raise ValueError(f"interview for unknown round {interview.round_number}")
            if member_row is None:
                raise ValueError(f"interview for {interview.user_id!r}, who is not a member")
            key = (round_row.id, member_row.id)
            row = existing_interviews.get(key)
            if row is None:
                row = InterviewRow(round_id=round_row.id, member_id=member_row.id)
                self.session.add(row)
                existing_interviews[key] = row
            self.sealed.write(row, interview.answers)
            _assign(
                row,
                step=int(interview.step),
                editing=interview.editing,
                sealed_at=interview.sealed_at,
                reminded_at=interview.reminded_at,
                asked_at=interview.asked_at,
            )
        self.session.flush()  # new members have their ids
        save_agreements(self.session, p.id, table.agreements, existing_members)
        self.session.flush()
        return replace(table, partnership=replace(table.partnership, id=p.id))

    def _save_partnership(self, partnership: Partnership) -> PartnershipRow:
        if partnership.id is None:
            row = PartnershipRow(platform=partnership.platform, channel_id=partnership.channel_id)
            self.session.add(row)
        else:
            found = self.session.get(PartnershipRow, partnership.id)
            if found is None:
                raise LookupError(f"no partnership with id {partnership.id}")
            row = found
        _assign(
            row,
            platform=partnership.platform,
            channel_id=partnership.channel_id,
            name=partnership.name,
            language=partnership.language,
            timezone=partnership.timezone,
            anonymous=partnership.anonymous,
            checkin_weeks=partnership.checkin_weeks,
            checkin_weekday=partnership.checkin_weekday,
            checkin_time=partnership.checkin_time,
            next_checkin_at=partnership.next_checkin_at,
        )
        self.session.flush()
        return row

    # --- queries ------------------------------------------------------------------------
    def partnership_ids_for_user(self, platform: str, user_id: str) -> list[int]:
        """The partnerships on `platform` in which `user_id` is a member, by id."""
        return list(
            self.session.scalars(
                sa.select(PartnershipRow.id)
                .join(MemberRow, MemberRow.partnership_id == PartnershipRow.id)
                .where(PartnershipRow.platform == platform, MemberRow.user_id == user_id)
                .order_by(PartnershipRow.id)
            )
        )

    def forget(self, platform: str, user_id: str) -> None:
        """Delete this person's answers that nobody saw: in cancelled rounds, and the
        unsealed ones of revealed rounds (a forced reveal left them out)."""
        members = sa.select(MemberRow.id).join(
            PartnershipRow, MemberRow.partnership_id == PartnershipRow.id
        ).where(PartnershipRow.platform == platform, MemberRow.user_id == user_id)
        unseen = sa.select(RoundRow.id).where(RoundRow.status != str(RoundStatus.OPEN))
        self.session.execute(
            sa.delete(InterviewRow).where(
                InterviewRow.member_id.in_(members),
                InterviewRow.round_id.in_(unseen),
                sa.or_(
                    InterviewRow.sealed_at.is_(None),
                    InterviewRow.round_id.in_(
                        sa.select(RoundRow.id).where(
                            RoundRow.status == str(RoundStatus.CANCELLED))
                    ),
                ),
            )
        )

    def _interview(self, row: InterviewRow, round_number: int, user_id: str) -> Interview:
        return Interview(
            round_number=round_number,
            user_id=user_id,
            step=Step(row.step),
            answers=self.sealed.read(row),
            editing=row.editing,
            sealed_at=row.sealed_at,
            reminded_at=row.reminded_at,
            asked_at=row.asked_at,
        )

    def partnership_id_for_token(self, token: str) -> int | None:
        return self.session.scalar(
            sa.select(RoundRow.partnership_id).where(RoundRow.token == token)
        )

    def closed_rounds(
        self, partnership_id: int, kind: RoundKind
    ) -> list[tuple[Round, tuple[Interview, ...]]]:
        """All revealed rounds of `kind`, oldest first, each with its interviews."""
        rounds = self.session.scalars(
            sa.select(RoundRow)
            .where(
                RoundRow.partnership_id == partnership_id,
                RoundRow.kind == str(kind),
                RoundRow.status == str(RoundStatus.REVEALED),
            )
            .order_by(RoundRow.number)
            .execution_options(populate_existing=True)
        ).all()
        by_round: dict[int, list[Interview]] = {r.number: [] for r in rounds}
        for row, number, user_id in self._interviews([r.id for r in rounds]):
            by_round[number].append(self._interview(row, number, user_id))
        return [(_round(r), tuple(by_round[r.number])) for r in rounds]

    def revealed(self, partnership_id: int) -> list[Past]:
        """Every revealed round and check-in of the partnership, oldest first (no answers)."""
        rounds = self.session.scalars(
            sa.select(RoundRow)
            .where(RoundRow.partnership_id == partnership_id,
                   RoundRow.status == str(RoundStatus.REVEALED))
            .order_by(RoundRow.number)
        ).all()
        return [Past(partnership_id, _round(r)) for r in rounds]

    def own_history(self, platform: str, user_id: str) -> list[Past]:
        """Every interview of this person on `platform`, in every round, with its round."""
        found = self.session.execute(
            sa.select(InterviewRow, RoundRow)
            .join(RoundRow, InterviewRow.round_id == RoundRow.id)
            .join(MemberRow, InterviewRow.member_id == MemberRow.id)
            .join(PartnershipRow, MemberRow.partnership_id == PartnershipRow.id)
            .where(PartnershipRow.platform == platform, MemberRow.user_id == user_id)
            .order_by(RoundRow.partnership_id, RoundRow.number)
        ).all()
        return [Past(r.partnership_id, _round(r), self._interview(i, r.number, user_id))
                for i, r in found]

    def due_checkins(self, now: datetime, limit: int) -> list[int]:
        """Ids of partnerships whose next check-in is due, the most overdue first.

        On PostgreSQL the rows are locked ``FOR UPDATE SKIP LOCKED`` so that two
        schedulers never claim the same partnership.
        """
        stmt = (
            sa.select(PartnershipRow.id)
            .where(PartnershipRow.next_checkin_at <= now)
            .order_by(PartnershipRow.next_checkin_at, PartnershipRow.id)
            .limit(limit)
        )
        if self._postgresql:
            stmt = stmt.with_for_update(skip_locked=True)
        return list(self.session.scalars(stmt))

    def checkins_to_close(self, now: datetime, limit: int) -> list[int]:
        """Ids of partnerships with an open check-in whose window has closed by `now`."""
        return self._open_checkins(RoundRow.deadline, now, limit)

    def checkins_to_remind(self, now: datetime, limit: int) -> list[int]:
        """Ids of partnerships with an open check-in whose reminder is due by `now`."""
        return self._open_checkins(RoundRow.remind_at, now, limit)

    def _open_checkins(self, column: Any, now: datetime, limit: int) -> list[int]:
        # A range scan on ix_rounds_status_<column>: open rounds only, never the history.
        # The partnership rows are locked (not the rounds), in the same order as every
        # event takes them, so a scheduler and an event can never deadlock.
        stmt = (
            sa.select(PartnershipRow.id)
            .join(RoundRow, RoundRow.partnership_id == PartnershipRow.id)
            .where(
                RoundRow.status == str(RoundStatus.OPEN),
                column <= now,
                RoundRow.kind == str(RoundKind.CHECKIN),
            )
            .order_by(column, RoundRow.id)
            .limit(limit)
        )
        if self._postgresql:
            stmt = stmt.with_for_update(of=PartnershipRow, skip_locked=True)
        return list(self.session.scalars(stmt))


# --- rows → values -------------------------------------------------------------------------
def _assign(row: Any, **values: Any) -> None:
    """Set only what differs, so that unchanged rows are not updated."""
    for key, value in values.items():
        if key not in row.__dict__ or getattr(row, key) != value:
            setattr(row, key, value)


def _partnership(row: PartnershipRow) -> Partnership:
    return Partnership(
        id=row.id,
        platform=row.platform,
        channel_id=row.channel_id,
        name=row.name,
        language=row.language,
        timezone=row.timezone,
        anonymous=row.anonymous,
        checkin_weeks=row.checkin_weeks,
        checkin_weekday=row.checkin_weekday,
        checkin_time=row.checkin_time,
        next_checkin_at=row.next_checkin_at,
    )


def _member(row: MemberRow) -> Member:
    return Member(
        user_id=row.user_id,
        name=row.name,
        organisation=row.organisation,
        is_partner=row.is_partner,
        is_coordinator=row.is_coordinator,
        unreachable=row.unreachable,
    )


def _round(row: RoundRow) -> Round:
    return Round(
        number=row.number,
        kind=RoundKind(row.kind),
        status=RoundStatus(row.status),
        opened_at=row.opened_at,
        token=row.token,
        deadline=row.deadline,
        closed_at=row.closed_at,
        remind_at=row.remind_at,
        posted=message_from_json(row.posted) if row.posted is not None else None,
        ordinal=row.ordinal,
        ambition=row.ambition,
    )


__all__ = ["TableRepository"]

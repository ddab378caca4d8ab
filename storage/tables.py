"""The repository of the `Table` aggregate (partnership, members, latest rounds, interviews).

Loading reads the partnership row under its lock and takes the rest from this process's
`TableCache` while the row's revision says nothing changed since; saving writes only what
differs from what was loaded — the objects of a decision's new table that are the very
objects loaded are not looked at — and sets a new revision.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from conversations.context import Past
from conversations.model import (
    Agreement,
    Answers,
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
from storage.table_cache import Loaded, StoredInterview, cache_for

V = TypeVar("V")

# The baseline of a partnership that is not stored yet: no object of a table is this one.
_NOTHING = Loaded(None, Table(Partnership("", "", "")), {}, {}, {})


class TableRepository:
    """Loads and saves whole tables. Loading locks the partnership row until commit.

    On PostgreSQL the lock is ``SELECT … FOR UPDATE``; on SQLite every transaction
    starts with ``BEGIN IMMEDIATE`` (see `storage.database`), which serialises writers.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sealed = SealedAnswers(session)
        self.cache = cache_for(session.get_bind())
        # What this transaction loaded or saved, per partnership: what `save` compares to.
        self._loaded: dict[int, Loaded] = {}
        # Their rows, held so that the session's (weak) identity map still has them when
        # `save` asks: otherwise each save would read the row again.
        self._rows: dict[int, PartnershipRow] = {}

    @property
    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    # --- loading ------------------------------------------------------------------------
    def by_channel(self, platform: str, channel_id: str) -> Table | None:
        return self._load_locked(_BY_CHANNEL, {"platform": platform, "channel_id": channel_id})

    def language_of(self, platform: str, channel_id: str) -> str | None:
        """The language of a shared channel's partnership (None: no partnership there);
        reads one column, locks nothing."""
        return self.session.scalar(_LANGUAGE, {"platform": platform, "channel_id": channel_id})

    def by_id(self, partnership_id: int) -> Table | None:
        return self._load_locked(_BY_ID, {"id": partnership_id})

    def _load_locked(self, query: _Locked, params: dict[str, Any]) -> Table | None:
        row = self._locked_row(query, params)
        return self._load(row).table if row is not None else None

    def _locked_row(self, query: _Locked, params: dict[str, Any]) -> PartnershipRow | None:
        return self.session.scalars(query[self._postgresql], params).one_or_none()

    def _load(self, row: PartnershipRow) -> Loaded:
        """The table of a locked partnership row: kept, or read (and kept) now."""
        loaded = self.cache.get(row.id, row.revision)
        if loaded is None:
            loaded = self._read(row)
            self.cache.put(row.id, loaded)
        self._loaded[row.id] = loaded
        self._rows[row.id] = row
        return loaded

    def _read(self, p: PartnershipRow) -> Loaded:
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
        table = Table(
            partnership=_partnership(p),
            members=tuple(_member(m) for m in members),
            rounds=tuple(_round(r) for r in rounds),
            interviews=tuple(self._interview(*found) for found in interviews),
            agreements=load_agreements(self.session, p.id),
        )
        return Loaded(
            p.revision, table,
            member_ids={m.user_id: m.id for m in members},
            round_ids={r.number: r.id for r in rounds},
            interviews={(number, user_id): StoredInterview(row.id, row.answer_key)
                        for row, number, user_id in interviews},
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
        """Insert or update what in `table` differs from the stored partnership; nothing
        is ever deleted.

        Members are matched by user id, rounds by number, interviews by (round number,
        user id), agreements by number. An object that is the one this transaction loaded
        is stored unchanged and not looked at. Returns the table with `partnership.id`
        filled in.
        """
        before, row = self._before(table.partnership)
        wrote = False
        if table.partnership is not before.table.partnership:
            wrote |= _assign(row, **_partnership_values(table.partnership))
        if row.id is None:
            self.session.flush()
        members = self._save_members(row.id, before, table.members)
        rounds, older = self._save_rounds(row.id, before, table.rounds)
        wrote |= bool(members.new or members.changed or rounds.new or rounds.changed)
        if members.new or rounds.new:
            self.session.flush()  # their ids
        member_ids = {**before.member_ids, **{r.user_id: r.id for r in members.new}}
        round_ids = {**before.round_ids, **{r.number: r.id for r in [*rounds.new, *older]}}
        interviews, wrote_interviews = self._save_interviews(
            before, table.interviews, member_ids, round_ids, older)
        wrote |= wrote_interviews
        agreements = _changed(table.agreements, before.table.agreements, _number)
        if agreements:
            save_agreements(self.session, row.id, agreements, member_ids)
            wrote = True
        saved = replace(table, partnership=replace(table.partnership, id=row.id))
        if not wrote:
            return saved
        self._new_revision(row)
        self._keep(row, before, table, member_ids, round_ids, interviews, bool(older))
        return saved

    def _new_revision(self, row: PartnershipRow) -> None:
        """Give the partnership a new revision; with rows still to write, in their flush,
        or else (one answer saved: the usual event) in one statement of its own."""
        revision = secrets.token_hex(8)
        if self.session.dirty or self.session.new:
            row.revision = revision
            self.session.flush()
            return
        self.session.execute(_NEW_REVISION, {"partnership": row.id, "revision": revision})
        set_committed_value(row, "revision", revision)

    def _before(self, partnership: Partnership) -> tuple[Loaded, PartnershipRow]:
        """What the stored partnership holds now, and its row (new: added to the session)."""
        if partnership.id is None:
            row = PartnershipRow(platform=partnership.platform,
                                 channel_id=partnership.channel_id)
            self.session.add(row)
            return _NOTHING, row
        row = self.session.get(PartnershipRow, partnership.id)
        if row is None:
            raise LookupError(f"no partnership with id {partnership.id}")
        loaded = self._loaded.get(row.id)
        if loaded is None or loaded.revision != row.revision:
            # Not loaded in this transaction (or a savepoint rolled back since): lock it.
            locked = self._locked_row(_BY_ID, {"id": row.id})
            assert locked is not None
            loaded = self._load(locked)
        return loaded, row

    def _save_members(self, partnership_id: int, before: Loaded,
                      members: tuple[Member, ...]) -> _Written[MemberRow]:
        written: _Written[MemberRow] = _Written()
        for member in _changed(members, before.table.members, _member_key):
            row = self._row(MemberRow, before.member_ids.get(member.user_id))
            if row is None:
                row = MemberRow(partnership_id=partnership_id, user_id=member.user_id)
                self.session.add(row)
                written.new.append(row)
            written.changed |= _assign(
                row,
                name=member.name,
                organisation=member.organisation,
                is_partner=member.is_partner,
                is_coordinator=member.is_coordinator,
                unreachable=member.unreachable,
            )
        return written

    def _save_rounds(self, partnership_id: int, before: Loaded, rounds: tuple[Round, ...]
                     ) -> tuple[_Written[RoundRow], list[RoundRow]]:
        """The rounds written, and the stored rows of rounds older than `before` holds."""
        written: _Written[RoundRow] = _Written()
        changed = _changed(rounds, before.table.rounds, _number)
        unknown = [r.number for r in changed if r.number not in before.round_ids]
        older = list(self.session.scalars(sa.select(RoundRow).where(
            RoundRow.partnership_id == partnership_id, RoundRow.number.in_(unknown)))
        ) if unknown and before is not _NOTHING else []
        by_number = {r.number: r for r in older}
        for rnd in changed:
            row = by_number.get(rnd.number) or self._row(RoundRow,
                                                          before.round_ids.get(rnd.number))
            if row is None:
                row = RoundRow(partnership_id=partnership_id, number=rnd.number)
                self.session.add(row)
                written.new.append(row)
            written.changed |= _assign(
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
        return written, older

    def _save_interviews(self, before: Loaded, interviews: tuple[Interview, ...],
                         member_ids: dict[str, int], round_ids: dict[int, int],
                         older: list[RoundRow]
                         ) -> tuple[dict[tuple[int, str], StoredInterview], bool]:
        """Insert the new interviews and update the changed ones (without reading their
        rows: what `before` holds is what they hold). Returns every interview's row as
        it is now stored, and whether any was written."""
        stored = {(i.round_number, i.user_id): i for i in before.table.interviews}
        rows = dict(before.interviews)
        if older:  # rounds `before` does not hold have interviews of their own
            for row, number, user_id in self._interviews([r.id for r in older]):
                rows[(number, user_id)] = StoredInterview(row.id, row.answer_key)
                stored[(number, user_id)] = self._interview(row, number, user_id)
        new: dict[tuple[int, str], InterviewRow] = {}
        wrote = False
        for interview in _changed(interviews, before.table.interviews, _interview_key):
            key = (interview.round_number, interview.user_id)
            round_id, member_id = round_ids.get(key[0]), member_ids.get(key[1])
            if round_id is None:
                raise ValueError(f"interview for unknown round {interview.round_number}")
            if member_id is None:
                raise ValueError(f"interview for {interview.user_id!r}, who is not a member")
            found, previous = rows.get(key), stored.get(key)
            if found is None or previous is None:
                sealed = self.sealed.values(None, interview.answers, Answers()) or {}
                row = new[key] = InterviewRow(round_id=round_id, member_id=member_id,
                                              **_interview_values(interview), **sealed)
                self.session.add(row)
                continue
            values = {k: v for k, v in _interview_values(interview).items()
                      if getattr(previous, k) != v}
            sealed = self.sealed.values(found.key, interview.answers, previous.answers)
            if sealed is not None:
                values.update(sealed)
                rows[key] = StoredInterview(found.id, sealed.get("answer_key", found.key))
            if values:
                self.session.execute(_UPDATE_INTERVIEW, {"interview": found.id, **values})
                wrote = True
        if new:
            self.session.flush()
            rows.update({k: StoredInterview(r.id, r.answer_key) for k, r in new.items()})
        return rows, wrote or bool(new)

    def _row(self, kind: type[V], row_id: int | None) -> V | None:
        return self.session.get(kind, row_id) if row_id is not None else None

    def _keep(self, row: PartnershipRow, before: Loaded, table: Table,
              member_ids: dict[str, int], round_ids: dict[int, int],
              interviews: dict[tuple[int, str], StoredInterview], older: bool) -> None:
        """Keep the saved table as a load at the new revision would read it — or, when
        `table` is not the whole stored partnership (a part was left out, an older round),
        keep nothing: the next load reads it."""
        if older or not _whole(before.table, table):
            self.cache.drop([row.id])
            self._loaded.pop(row.id, None)
            return
        loaded = Loaded(row.revision, _as_loaded(before.table, table, row.id, member_ids),
                        member_ids, {r.number: round_ids[r.number] for r in table.rounds},
                        interviews)
        self.cache.put(row.id, loaded)
        self._loaded[row.id] = loaded

    # --- queries ------------------------------------------------------------------------
    def partnership_ids_for_user(self, platform: str, user_id: str) -> list[int]:
        """The partnerships on `platform` in which `user_id` is a member, by id."""
        return list(self.session.scalars(_PARTNERSHIPS_OF, {"platform": platform,
                                                            "user_id": user_id}))

    def forget(self, platform: str, user_id: str) -> None:
        """Delete this person's answers that nobody saw: in cancelled rounds, and the
        unsealed ones of revealed rounds (a forced reveal left them out). Their
        partnerships are loaded afresh afterwards: this process keeps none of them."""
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
        self._forget_loaded(self.partnership_ids_for_user(platform, user_id))

    def _forget_loaded(self, partnership_ids: list[int]) -> None:
        """No revision: whatever any process kept of these partnerships is not used again,
        and this one keeps nothing of them (they hold decrypted answers)."""
        self.session.execute(
            sa.update(PartnershipRow).where(PartnershipRow.id.in_(partnership_ids))
            .values(revision=None),
            execution_options={"synchronize_session": False},
        )
        self.cache.drop(partnership_ids)
        for partnership_id in partnership_ids:
            self._loaded.pop(partnership_id, None)

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


# --- rows → values -------------------------------------------------------------------------
class _Written(Generic[V]):
    """What one save wrote of one kind of row: rows added, and whether any changed."""

    def __init__(self) -> None:
        self.new: list[V] = []
        self.changed = False


def _in_place(items: tuple[V, ...], before: tuple[V, ...],
              key: Callable[[V], Any]) -> list[int] | None:
    """Where `items` is `before` with some elements replaced in place (another object with
    the same key at the same position; nothing added, moved or left out): the positions
    replaced. None otherwise. The usual event — one answer — changes one interview so:
    this finds it without looking at the others' keys."""
    if items is before:
        return []
    if len(items) != len(before):
        return None
    replaced = [n for n, (item, old) in enumerate(zip(items, before, strict=True))
                if item is not old]
    return replaced if all(key(items[n]) == key(before[n]) for n in replaced) else None


def _changed(items: tuple[V, ...], before: tuple[V, ...], key: Callable[[V], Any]) -> list[V]:
    """The items that are not the very object `before` holds under their key."""
    places = _in_place(items, before, key)
    if places is not None:
        return [items[n] for n in places]
    kept = {key(item): item for item in before}
    return [item for item in items if kept.get(key(item)) is not item]


def _member_key(member: Member) -> str:
    return member.user_id


def _interview_key(interview: Interview) -> tuple[int, str]:
    return interview.round_number, interview.user_id


def _number(item: Round | Agreement) -> int:
    return item.number


def _whole(before: Table, table: Table) -> bool:
    """Whether `table` holds all that a load after saving it reads: every member and
    agreement of `before`, the latest round of each kind, and each of its interviews."""
    if (table.rounds is before.rounds and table.agreements is before.agreements
            and _in_place(table.members, before.members, _member_key) is not None
            and _in_place(table.interviews, before.interviews, _interview_key) is not None):
        return True  # what was loaded (whole), some of it replaced in place
    numbers = {r.number for r in table.rounds}
    latest = {r.kind: r.number for r in table.rounds}
    return (
        len(latest) == len(table.rounds)
        and all(latest.get(r.kind, 0) >= r.number for r in before.rounds)
        and {m.user_id for m in before.members} <= {m.user_id for m in table.members}
        and {a.number for a in before.agreements} <= {a.number for a in table.agreements}
        and all(i.round_number in numbers for i in table.interviews)
        and {(i.round_number, i.user_id) for i in before.interviews if i.round_number in numbers}
        <= {(i.round_number, i.user_id) for i in table.interviews}
    )


def _as_loaded(before: Table, table: Table, partnership_id: int,
               member_ids: dict[str, int]) -> Table:
    """`table` as a load reads it back: in the database's order, times in UTC, values
    through their stored form. What `before` holds is taken over as it is."""

    def receivers_in_order(a: Agreement) -> Agreement:
        return replace(a, receivers=tuple(sorted(a.receivers, key=member_ids.__getitem__)))

    def stored(items: tuple[V, ...], loaded: tuple[V, ...], key: Callable[[V], Any],
               convert: Callable[[V], V], order: Callable[[V], Any]) -> tuple[V, ...]:
        places = _in_place(items, loaded, key)
        if places is not None:  # in the loaded (stored) order: convert what was replaced
            found = list(loaded)
            for n in places:
                found[n] = _utc(convert(items[n]))
            return tuple(found)
        kept = {id(x) for x in loaded}
        return tuple(sorted((x if id(x) in kept else _utc(convert(x)) for x in items),
                            key=order))

    partnership = table.partnership
    if partnership is not before.partnership:
        partnership = _utc(replace(partnership, id=partnership_id))
    return Table(
        partnership=partnership,
        members=stored(table.members, before.members, _member_key, _same,
                       lambda m: member_ids[m.user_id]),
        rounds=stored(table.rounds, before.rounds, _number, _round_as_stored, _number),
        interviews=stored(table.interviews, before.interviews, _interview_key,
                          _interview_as_stored,
                          lambda i: (i.round_number, member_ids[i.user_id])),
        agreements=stored(table.agreements, before.agreements, _number, receivers_in_order,
                          _number),
    )


def _same(value: V) -> V:
    return value


def _round_as_stored(rnd: Round) -> Round:
    posted = message_from_json(message_to_json(rnd.posted)) if rnd.posted else rnd.posted
    return replace(rnd, kind=RoundKind(rnd.kind), status=RoundStatus(rnd.status), posted=posted)


def _interview_as_stored(interview: Interview) -> Interview:
    return replace(interview, step=Step(interview.step),
                   answers=Answers.from_dict(interview.answers.to_dict()))


def _utc(value: V) -> V:
    """A frozen value with its moments in UTC, as the database gives them back."""
    moments = {f.name: moment.astimezone(UTC) for f in fields(value)  # type: ignore[arg-type]
               if isinstance(moment := getattr(value, f.name), datetime)}
    return replace(value, **moments) if moments else value  # type: ignore[type-var]


def _assign(row: Any, **values: Any) -> bool:
    """Set only what differs, so that unchanged rows are not updated; whether any did."""
    changed = False
    for key, value in values.items():
        if key not in row.__dict__ or getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def _interview_values(interview: Interview) -> dict[str, Any]:
    """An interview's columns besides its answers (sealed apart) and its keys."""
    return {
        "step": int(interview.step),
        "editing": interview.editing,
        "sealed_at": interview.sealed_at,
        "reminded_at": interview.reminded_at,
        "asked_at": interview.asked_at,
    }


def _partnership_values(partnership: Partnership) -> dict[str, Any]:
    return {
        "platform": partnership.platform,
        "channel_id": partnership.channel_id,
        "name": partnership.name,
        "language": partnership.language,
        "timezone": partnership.timezone,
        "anonymous": partnership.anonymous,
        "checkin_weeks": partnership.checkin_weeks,
        "checkin_weekday": partnership.checkin_weekday,
        "checkin_time": partnership.checkin_time,
        "next_checkin_at": partnership.next_checkin_at,
    }


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


# Built once: they run for (nearly) every event. Statements on the tables themselves
# skip the ORM's work; the partnership row is an ORM object, which `save` updates.
_partnerships, _members = PartnershipRow.__table__, MemberRow.__table__
_LANGUAGE = sa.select(_partnerships.c.language).where(
    _partnerships.c.platform == sa.bindparam("platform"),
    _partnerships.c.channel_id == sa.bindparam("channel_id"))
_PARTNERSHIPS_OF = (
    sa.select(_partnerships.c.id)
    .join(_members, _members.c.partnership_id == _partnerships.c.id)
    .where(_partnerships.c.platform == sa.bindparam("platform"),
           _members.c.user_id == sa.bindparam("user_id"))
    .order_by(_partnerships.c.id)
)
# Only the columns given: an update writes what changed (and `updated_at`).
_UPDATE_INTERVIEW = sa.update(InterviewRow.__table__).where(
    InterviewRow.__table__.c.id == sa.bindparam("interview"))
_NEW_REVISION = (sa.update(_partnerships)
                 .where(_partnerships.c.id == sa.bindparam("partnership"))
                 .values(revision=sa.bindparam("revision")))

_Locked = dict[bool, sa.Select[tuple[PartnershipRow]]]  # by "on PostgreSQL"


def _locked(where: sa.ColumnElement[bool]) -> _Locked:
    """The partnership row, read afresh and (on PostgreSQL) locked until commit."""
    stmt = sa.select(PartnershipRow).where(where).execution_options(populate_existing=True)
    return {False: stmt, True: stmt.with_for_update(of=PartnershipRow)}


_BY_ID = _locked(PartnershipRow.id == sa.bindparam("id"))
_BY_CHANNEL = _locked((PartnershipRow.platform == sa.bindparam("platform"))
                      & (PartnershipRow.channel_id == sa.bindparam("channel_id")))

__all__ = ["TableRepository"]


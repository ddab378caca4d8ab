"""Loading and saving a partnership's agreements, as part of the `Table` aggregate."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from conversations.model import Agreement, AgreementStatus
from storage.schema import AgreementReceiverRow, AgreementRow, MemberRow


def load_agreements(session: Session, partnership_id: int) -> tuple[Agreement, ...]:
    giver, proposer = aliased(MemberRow), aliased(MemberRow)
    rows = session.execute(
        sa.select(AgreementRow, giver.user_id, proposer.user_id)
        .join(giver, AgreementRow.giver_id == giver.id)
        .join(proposer, AgreementRow.proposer_id == proposer.id)
        .where(AgreementRow.partnership_id == partnership_id)
        .order_by(AgreementRow.number)
        .execution_options(populate_existing=True)
    ).all()
    receivers: dict[int, list[str]] = defaultdict(list)
    for agreement_id, user_id in session.execute(
        sa.select(AgreementReceiverRow.agreement_id, MemberRow.user_id)
        .join(MemberRow, AgreementReceiverRow.member_id == MemberRow.id)
        .join(AgreementRow, AgreementReceiverRow.agreement_id == AgreementRow.id)
        .where(AgreementRow.partnership_id == partnership_id)
        .order_by(MemberRow.id)
    ):
        receivers[agreement_id].append(user_id)
    return tuple(
        Agreement(
            number=row.number,
            text=row.text,
            giver=giver_id,
            proposer=proposer_id,
            status=AgreementStatus(row.status),
            created_at=row.created_at,
            confirmed_at=row.confirmed_at,
            closed_at=row.closed_at,
            receivers=tuple(receivers[row.id]),
            category=row.category,
        )
        for row, giver_id, proposer_id in rows
    )


def save_agreements(session: Session, partnership_id: int, agreements: list[Agreement],
                    members: dict[str, int]) -> None:
    """Insert or update these agreements by number (`members`: user id → member id);
    agreements are never deleted (closing is a status)."""
    existing = {
        row.number: row
        for row in session.scalars(
            sa.select(AgreementRow).where(
                AgreementRow.partnership_id == partnership_id,
                AgreementRow.number.in_([a.number for a in agreements])))
    }
    stored: dict[int, set[int]] = defaultdict(set)
    for agreement_id, member_id in session.execute(
        sa.select(AgreementReceiverRow.agreement_id, AgreementReceiverRow.member_id)
        .where(AgreementReceiverRow.agreement_id.in_([r.id for r in existing.values()]))
    ):
        stored[agreement_id].add(member_id)
    for agreement in agreements:
        row = existing.get(agreement.number)
        if row is None:
            row = AgreementRow(partnership_id=partnership_id, number=agreement.number)
            session.add(row)
        for person in (agreement.giver, agreement.proposer, *agreement.receivers):
            if person not in members:
                raise ValueError(f"agreement with {person!r}, who is not a member")
        row.text = agreement.text
        row.giver_id = members[agreement.giver]
        row.proposer_id = members[agreement.proposer]
        row.status = str(agreement.status)
        row.created_at = agreement.created_at
        row.confirmed_at = agreement.confirmed_at
        row.closed_at = agreement.closed_at
        row.category = agreement.category
        if row.id is None:
            session.flush()  # a new agreement gets its id
        _save_receivers(session, row.id, stored[row.id],
                        {members[r] for r in agreement.receivers})


def _save_receivers(session: Session, agreement_id: int, stored: set[int],
                    wanted: set[int]) -> None:
    if stored - wanted:
        session.execute(sa.delete(AgreementReceiverRow).where(
            AgreementReceiverRow.agreement_id == agreement_id,
            AgreementReceiverRow.member_id.in_(stored - wanted)))
    session.add_all(AgreementReceiverRow(agreement_id=agreement_id, member_id=m)
                    for m in sorted(wanted - stored))

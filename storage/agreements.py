"""Loading and saving a partnership's agreements, as part of the `Table` aggregate."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from conversations.model import Agreement, AgreementStatus
from storage.schema import AgreementRow, MemberRow


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
        )
        for row, giver_id, proposer_id in rows
    )


def save_agreements(session: Session, partnership_id: int, agreements: tuple[Agreement, ...],
                    members: dict[str, MemberRow]) -> None:
    """Insert or update by number; agreements are never deleted (closing is a status)."""
    existing = {
        row.number: row
        for row in session.scalars(
            sa.select(AgreementRow).where(AgreementRow.partnership_id == partnership_id))
    }
    for agreement in agreements:
        row = existing.get(agreement.number)
        if row is None:
            row = AgreementRow(partnership_id=partnership_id, number=agreement.number)
            session.add(row)
        for person in (agreement.giver, agreement.proposer):
            if person not in members:
                raise ValueError(f"agreement with {person!r}, who is not a member")
        row.text = agreement.text
        row.giver_id = members[agreement.giver].id
        row.proposer_id = members[agreement.proposer].id
        row.status = str(agreement.status)
        row.created_at = agreement.created_at
        row.confirmed_at = agreement.confirmed_at
        row.closed_at = agreement.closed_at

"""Small builders for storage tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from conversations.model import (
    Agreement,
    AgreementStatus,
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

T0 = datetime(2025, 3, 3, 9, 30, 15, 123456, tzinfo=UTC)
CET = timezone(timedelta(hours=1))


def a_table(channel_id: str = "C1", platform: str = "slack") -> Table:
    partnership = Partnership(
        platform=platform,
        channel_id=channel_id,
        name="Zorg in de wijk",
        language="en",
        timezone="Europe/Amsterdam",
        anonymous=True,
        checkin_weeks=4,
        checkin_weekday=2,
        checkin_time="09:30",
        next_checkin_at=T0 + timedelta(days=28),
    )
    members = (
        Member("U1", "Ann", organisation="Gemeente", is_partner=True, is_coordinator=True),
        Member("U2", "Bob", organisation="GGD", is_partner=True),
        Member("U3", "Cas", is_coordinator=True, unreachable=True),
    )
    rnd = Round(
        number=1,
        kind=RoundKind.INTERESTS,
        status=RoundStatus.OPEN,
        opened_at=T0,
        token=f"tok-{platform}-{channel_id}-1",
        deadline=T0 + timedelta(days=7),
        ordinal=2,
        ambition="Elk kind een school in de buurt",
    )
    interviews = (
        Interview(
            round_number=1,
            user_id="U1",
            step=Step.REVIEW,
            answers=Answers(
                organisation="Gemeente",
                org_interest="Minder zorgkosten",
                gets=frozenset({"knowledge", "network"}),
                gives=frozenset({"money"}),
                balance=3,
                get_note="<b>not bold</b> & more",
                kept=((1, "partly"), (2, "kept")),
            ),
            editing=True,
            sealed_at=T0 + timedelta(hours=2),
            reminded_at=T0 + timedelta(hours=1),
        ),
        Interview(round_number=1, user_id="U2", step=Step.GET),
    )
    agreements = (
        Agreement(1, "Maandelijks een kennissessie", giver="U2", proposer="U1",
                  status=AgreementStatus.CONFIRMED, created_at=T0,
                  confirmed_at=T0 + timedelta(hours=3), receivers=("U1",),
                  category="knowledge"),
    )
    return Table(partnership, members, (rnd,), interviews, agreements)

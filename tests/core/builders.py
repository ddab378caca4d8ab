"""Small builders for core tests: a partnership with partners and an open round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conversations.context import Context
from conversations.model import (
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

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def ctx(minutes: int = 0, platform: str = "local") -> Context:
    return Context(now=NOW + timedelta(minutes=minutes), platform=platform, token="tok")


def table(*partners: str, anonymous: bool = False, coordinator: str = "dewi") -> Table:
    members = [Member(coordinator, coordinator.title(), is_coordinator=True)]
    members += [Member(p, p.title(), is_partner=True) for p in partners]
    partnership = Partnership("local", "tafel", "Tafel", "en", anonymous=anonymous, id=1)
    return Table(partnership, tuple(members))


def with_round(t: Table, answers: dict[str, Answers | None]) -> Table:
    """An open round where each named partner sealed `answers` (None: not answered)."""
    rnd = Round(1, RoundKind.INTERESTS, RoundStatus.OPEN, NOW, token="tok")
    t = t.with_round(rnd)
    for user_id, given in answers.items():
        if given is None:
            t = t.with_interview(Interview(1, user_id))
        else:
            t = t.with_interview(Interview(1, user_id, Step.REVIEW, given, sealed_at=NOW))
    return t

"""Who has answered — never what."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.model import Round, Table


@dataclass(frozen=True)
class StatusRow:
    name: str
    state: str  # "sealed" | "busy" | "not_started"
    step: int
    unreachable: bool


def status_rows(table: Table, rnd: Round) -> list[StatusRow]:
    """One row per partner of the round, in partner order."""
    rows = []
    for member in table.partners:
        interview = table.interview(rnd, member.user_id)
        if interview is None or not interview.started:
            state, step = "not_started", 0
        elif interview.sealed:
            state, step = "sealed", int(interview.step)
        else:
            state, step = "busy", int(interview.step)
        rows.append(StatusRow(member.name, state, step, member.unreachable))
    return rows

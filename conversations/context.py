"""What the shell hands the core besides the event: the time, a fresh token, defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from conversations.model import Interview, Round


@dataclass(frozen=True)
class Past:
    """A round the table does not hold (only the latest of each kind), for an export;
    with one person's interview when the export is theirs."""

    partnership_id: int
    round: Round
    interview: Interview | None = None


@dataclass(frozen=True)
class Context:
    now: datetime
    platform: str
    token: str = ""  # unguessable, URL-safe; used when the event opens a round
    default_language: str = "nl"
    checkin_window: timedelta = timedelta(days=3)  # how long a check-in stays open
    history: tuple[Past, ...] = ()  # loaded only when `exports.wants_history` says so

"""What the shell hands the core besides the event: the time, a fresh token, defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Context:
    now: datetime
    platform: str
    token: str = ""  # unguessable, URL-safe; used when the event opens a round
    default_language: str = "nl"
    checkin_window: timedelta = timedelta(days=3)  # how long a check-in stays open

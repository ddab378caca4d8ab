"""Check-in schedules: `every N weeks <weekday> <HH:MM>`, in a partnership's own timezone.

Pure: the current time always comes in as an argument. Parsing returns either a
`Schedule` or a `ScheduleError` naming the part that was wrong, so the caller can show
that part and the right form. `next_due` keeps the local hour across daylight-saving
changes and never returns a time in the past: a bot that was down for a while gets one
due check-in, and the next one lies strictly after "now".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as TimeOfDay
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MIN_WEEKS = 1
MAX_WEEKS = 12

# Weekday names as people type them, Dutch and English, full and short; 0 = Monday.
WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("maandag", "ma", "monday", "mon"),
        ("dinsdag", "di", "tuesday", "tue", "tues"),
        ("woensdag", "wo", "wednesday", "wed"),
        ("donderdag", "do", "thursday", "thu", "thur", "thurs"),
        ("vrijdag", "vr", "friday", "fri"),
        ("zaterdag", "za", "saturday", "sat"),
        ("zondag", "zo", "sunday", "sun"),
    )
):
    for _name in _names:
        WEEKDAYS[_name] = _number

EVERY = frozenset({"every", "elke", "iedere"})
WEEK_WORDS = frozenset({"week", "weeks", "weken"})
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Schedule:
    """Every `weeks` weeks on `weekday` (0 = Monday) at `at`, local time."""

    weeks: int
    weekday: int
    at: TimeOfDay

    @property
    def time_text(self) -> str:
        return f"{self.at.hour:02d}:{self.at.minute:02d}"


@dataclass(frozen=True)
class ScheduleError:
    """What was wrong: `part` is "form", "weeks", "weekday", "time" or "timezone"."""

    part: str
    value: str = ""


def parse_schedule(args: Sequence[str]) -> Schedule | ScheduleError:
    """`("every", "2", "weeks", "monday", "09:00")` → Schedule(2, 0, 09:00).

    Also accepted: `every week …` (one week), Dutch words (`elke 2 weken maandag 9:00`),
    and the "every" left out.
    """
    words = [w.strip().lower() for w in args if w.strip()]
    if words and words[0] in EVERY:
        words = words[1:]
    if not words:
        return ScheduleError("form")
    if words[0] in WEEK_WORDS:
        weeks, rest = 1, words[1:]
    else:
        weeks_text = words[0]
        if not re.fullmatch(r"[+-]?\d+", weeks_text):
            # "every two weeks …" names the wrong part; "every sometimes" the wrong form.
            named_weeks = len(words) > 1 and words[1] in WEEK_WORDS
            return ScheduleError("weeks", weeks_text) if named_weeks else ScheduleError("form")
        weeks = int(weeks_text)
        if not MIN_WEEKS <= weeks <= MAX_WEEKS:
            return ScheduleError("weeks", weeks_text)
        if len(words) < 2 or words[1] not in WEEK_WORDS:
            return ScheduleError("form")
        rest = words[2:]
    if len(rest) != 2:
        return ScheduleError("form")
    weekday_text, time_text = rest
    if weekday_text.rstrip(".,") not in WEEKDAYS:
        return ScheduleError("weekday", weekday_text)
    at = parse_time(time_text)
    if at is None:
        return ScheduleError("time", time_text)
    return Schedule(weeks, WEEKDAYS[weekday_text.rstrip(".,")], at)


def parse_time(text: str) -> TimeOfDay | None:
    """`09:00` or `9:00` → 09:00; anything else (`25:00`, `9h`, `9`) → None."""
    match = _TIME.match(text.strip())
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return TimeOfDay(hour, minute)


def zone(name: str) -> ZoneInfo | None:
    """The IANA timezone called `name`, or None when there is no such zone.

    zoneinfo reads its table from the tz database: a lookup, not application I/O.
    """
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def parse_timezone(args: Sequence[str]) -> str | ScheduleError:
    """The canonical spelling of an IANA name (`europe/amsterdam` → `Europe/Amsterdam`)."""
    if len(args) != 1:
        return ScheduleError("timezone", " ".join(args))
    name = args[0].strip()
    found = zone(name) or zone(_capitalised(name))
    if found is None:
        return ScheduleError("timezone", name)
    return found.key


def _capitalised(name: str) -> str:
    """`europe/amsterdam` → `Europe/Amsterdam`; `america/new_york` → `America/New_York`."""
    return "/".join(
        "_".join(w[:1].upper() + w[1:] for w in part.split("_")) for part in name.split("/")
    )


def first_due(schedule: Schedule, tz: str | ZoneInfo, after: datetime) -> datetime:
    """The first time strictly after `after` that falls on the schedule's weekday and hour."""
    return next_due(schedule, tz, after)


def next_due(
    schedule: Schedule, tz: str | ZoneInfo, after: datetime, anchor: datetime | None = None
) -> datetime:
    """The next check-in strictly after `after`, in UTC.

    Check-ins fall every `schedule.weeks` weeks counted from `anchor` (a previous due
    time, or the moment the schedule was set); without an anchor, the first matching
    weekday and hour after `after`. Dates are counted in local time, so 09:00 stays 09:00
    when the clocks change. However long ago the anchor was, the answer is one time,
    strictly after `after`: no backlog.
    """
    if after.tzinfo is None:
        raise ValueError("`after` must be timezone-aware")
    zone_info = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    local_after = after.astimezone(zone_info)
    if anchor is None:
        start = local_after.date() + timedelta(days=(schedule.weekday - local_after.weekday()) % 7)
        step = 7
    else:
        anchor_date = anchor.astimezone(zone_info).date()
        start = anchor_date + timedelta(days=(schedule.weekday - anchor_date.weekday()) % 7)
        step = 7 * schedule.weeks
        if start < local_after.date():
            skipped = (local_after.date() - start).days // step
            start += timedelta(days=skipped * step)
    candidate = start
    while _at(candidate, schedule.at, zone_info) <= after:
        candidate += timedelta(days=step)
    return _at(candidate, schedule.at, zone_info)


def _at(day: date, at: TimeOfDay, zone_info: ZoneInfo) -> datetime:
    """`day` at local time `at`, in UTC. A time in the spring-forward gap moves ahead."""
    return datetime.combine(day, at, tzinfo=zone_info).astimezone(UTC)


def schedule_of(checkin_weeks: int | None, checkin_weekday: int | None,
                checkin_time: str | None) -> Schedule | None:
    """The schedule stored on a partnership, or None when check-ins are off."""
    if checkin_weeks is None or checkin_weekday is None or checkin_time is None:
        return None
    at = parse_time(checkin_time)
    if at is None:
        return None
    return Schedule(checkin_weeks, checkin_weekday, at)

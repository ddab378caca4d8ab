"""Check-in schedules from an injected clock: parsing, next due times, DST, downtime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.schedule import (
    Schedule,
    ScheduleError,
    next_due,
    parse_schedule,
    parse_time,
    parse_timezone,
)
from conversations.schedule import TimeOfDay as T

AMS = ZoneInfo("Europe/Amsterdam")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- parsing --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,expected",
    [
        ("every 1 weeks monday 09:00", Schedule(1, 0, T(9, 0))),
        ("every 2 weeks tuesday 14:30", Schedule(2, 1, T(14, 30))),
        ("every week fri 9:05", Schedule(1, 4, T(9, 5))),
        ("elke 4 weken donderdag 08:15", Schedule(4, 3, T(8, 15))),
        ("elke week zo 23:59", Schedule(1, 6, T(23, 59))),
        ("3 weeks Wednesday 00:00", Schedule(3, 2, T(0, 0))),
        ("every 12 weeks ma 12:00", Schedule(12, 0, T(12, 0))),
    ],
)
def test_schedules_people_type(text: str, expected: Schedule):
    assert parse_schedule(words(text)) == expected


@pytest.mark.parametrize(
    "text,part,value",
    [
        ("every 0 weeks monday 09:00", "weeks", "0"),
        ("every 13 weeks monday 09:00", "weeks", "13"),
        ("every -1 weeks monday 09:00", "weeks", "-1"),
        ("every two weeks monday 09:00", "weeks", "two"),
        ("every 2 weeks funday 09:00", "weekday", "funday"),
        ("every 2 weeks monday 25:00", "time", "25:00"),
        ("every 2 weeks monday 9h", "time", "9h"),
        ("every 2 weeks monday 09:60", "time", "09:60"),
        ("every 2 weeks monday 9", "time", "9"),
        ("every 2 days monday 09:00", "form", ""),
        ("every 2 weeks monday", "form", ""),
        ("", "form", ""),
        ("every 2 weeks monday 09:00 extra", "form", ""),
    ],
)
def test_bad_schedules_say_which_part_is_wrong(text: str, part: str, value: str):
    assert parse_schedule(words(text)) == ScheduleError(part, value)


def test_times_outside_the_day_are_refused():
    assert parse_time("23:59") == T(23, 59)
    assert parse_time("00:00") == T(0, 0)
    for bad in ("24:00", "25:00", "9h", "09.00", "", "0900", "9:5"):
        assert parse_time(bad) is None, bad


def test_timezones_are_checked_and_spelled_canonically():
    assert parse_timezone(("Europe/Amsterdam",)) == "Europe/Amsterdam"
    assert parse_timezone(("america/new_york",)) == "America/New_York"
    assert parse_timezone(("UTC",)) == "UTC"
    for bad in ("Mars/Olympus_Mons", "Europe/Amsterdamm", "../../etc/passwd", "/etc/localtime"):
        assert parse_timezone((bad,)) == ScheduleError("timezone", bad)
    assert parse_timezone(()) == ScheduleError("timezone", "")


# --- next due -------------------------------------------------------------------------
def test_weekly_the_next_matching_weekday_and_hour():
    monday_nine = Schedule(1, 0, T(9, 0))
    wednesday = local(2026, 1, 7, 12, 0)
    assert next_due(monday_nine, AMS, wednesday) == local(2026, 1, 12, 9, 0)
    # On the day itself: before the hour it is today, at or after the hour next week.
    assert next_due(monday_nine, AMS, local(2026, 1, 12, 8, 59)) == local(2026, 1, 12, 9, 0)
    assert next_due(monday_nine, AMS, local(2026, 1, 12, 9, 0)) == local(2026, 1, 19, 9, 0)
    assert next_due(monday_nine, AMS, wednesday).tzinfo == UTC


def test_every_three_weeks_counted_from_the_anchor():
    schedule = Schedule(3, 3, T(10, 0))  # every 3 weeks on Thursday, 10:00
    anchor = local(2026, 1, 8, 10, 0)
    expected = [local(2026, 1, 29, 10, 0), local(2026, 2, 19, 10, 0), local(2026, 3, 12, 10, 0)]
    due, seen = anchor, []
    for _ in range(3):
        due = next_due(schedule, AMS, due, anchor=due)
        seen.append(due)
    assert seen == expected
    # Asked on any day in between, the answer is the next one in the same rhythm.
    assert next_due(schedule, AMS, local(2026, 1, 9, 0, 0), anchor=anchor) == expected[0]
    assert next_due(schedule, AMS, local(2026, 2, 1, 0, 0), anchor=anchor) == expected[1]


@pytest.mark.parametrize(
    "before,after",
    [
        # Clocks go forward on the last Sunday of March, back on the last Sunday of October.
        (local(2026, 3, 23, 9, 0), local(2026, 3, 30, 9, 0)),
        (local(2026, 10, 19, 9, 0), local(2026, 10, 26, 9, 0)),
    ],
)
def test_nine_o_clock_stays_nine_o_clock_across_dst(before: datetime, after: datetime):
    schedule = Schedule(1, 0, T(9, 0))
    due = next_due(schedule, AMS, before, anchor=before)
    assert due == after
    assert due.astimezone(AMS).hour == 9
    hours_between = (due - before.astimezone(UTC)) / timedelta(hours=1)
    assert hours_between in (167, 169)  # the week was an hour shorter or longer


def test_a_check_in_on_the_dst_sunday_itself():
    schedule = Schedule(1, 6, T(9, 0))  # Sundays 09:00
    spring = next_due(schedule, AMS, local(2026, 3, 28, 12, 0))
    autumn = next_due(schedule, AMS, local(2026, 10, 24, 12, 0))
    assert spring.astimezone(AMS) == local(2026, 3, 29, 9, 0)
    assert spring == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # already summer time (UTC+2)
    assert autumn == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)  # winter time again (UTC+1)


def test_a_time_that_does_not_exist_that_night_comes_right_after_the_gap():
    schedule = Schedule(1, 6, T(2, 30))  # 02:30 is skipped on the spring-forward Sunday
    due = next_due(schedule, AMS, local(2026, 3, 28, 12, 0))
    assert due.astimezone(AMS) == local(2026, 3, 29, 3, 30)


def test_a_bot_down_for_a_week_gets_one_due_check_in_and_the_next_in_the_future():
    schedule = Schedule(1, 0, T(9, 0))
    missed = local(2026, 1, 12, 9, 0)
    back = local(2026, 1, 20, 14, 0)  # down from before Monday the 12th until Tuesday the 20th
    assert missed <= back  # so exactly one check-in is due now…
    following = next_due(schedule, AMS, back, anchor=missed)
    assert following == local(2026, 1, 26, 9, 0)  # …and the next is strictly in the future
    assert following > back


def test_a_long_outage_keeps_the_multi_week_rhythm():
    schedule = Schedule(4, 0, T(9, 0))
    missed = local(2026, 1, 5, 9, 0)
    back = local(2026, 4, 1, 9, 0)  # almost three months later
    following = next_due(schedule, AMS, back, anchor=missed)
    assert following == local(2026, 4, 27, 9, 0)  # 16 weeks after the missed one
    assert (following.astimezone(AMS).date() - missed.date()).days % 28 == 0


def test_other_timezones_keep_their_own_local_hour():
    schedule = Schedule(1, 4, T(17, 0))
    tokyo = next_due(schedule, "Asia/Tokyo", datetime(2026, 6, 1, tzinfo=UTC))
    new_york = next_due(schedule, "America/New_York", datetime(2026, 6, 1, tzinfo=UTC))
    assert tokyo.astimezone(ZoneInfo("Asia/Tokyo")).hour == 17
    assert new_york.astimezone(ZoneInfo("America/New_York")).hour == 17
    assert tokyo != new_york


@given(
    weeks=st.integers(1, 12),
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    anchor_offset=st.integers(0, 400 * 24 * 60),
    gap=st.integers(0, 400 * 24 * 60),
)
def test_next_due_is_always_in_the_future_on_the_right_weekday_in_rhythm(
    weeks, weekday, hour, minute, anchor_offset, gap
):
    schedule = Schedule(weeks, weekday, T(hour, minute))
    start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=anchor_offset)
    anchor = next_due(schedule, AMS, start)
    now = anchor + timedelta(minutes=gap)
    due = next_due(schedule, AMS, now, anchor=anchor)
    local_due = due.astimezone(AMS)
    assert due > now
    assert local_due.weekday() == weekday
    assert (local_due.date() - anchor.astimezone(AMS).date()).days % (7 * weeks) == 0
    assert due - now <= timedelta(weeks=weeks, hours=1)
    if (hour, local_due.hour) != (2, 3):  # 02:xx may not exist on the spring-forward night
        assert (local_due.hour, local_due.minute) == (hour, minute)

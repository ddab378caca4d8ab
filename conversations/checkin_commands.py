"""Channel commands for check-ins: `checkin …`, `timezone …`, and their part in
`status`, `reveal` and `remind` (wired in `conversations.lifecycle`)."""

from __future__ import annotations

from dataclasses import replace

from conversations.checkin import CheckinStep, blocked, local, open_checkin, remind, waiting
from conversations.context import Context
from conversations.decision import Decision
from conversations.effects import PostToChannel
from conversations.events import ChannelCommand
from conversations.messages import Message
from conversations.model import RoundKind, Table
from conversations.replies import notice
from conversations.schedule import (
    MAX_WEEKS,
    MIN_WEEKS,
    Schedule,
    ScheduleError,
    next_due,
    parse_schedule,
    parse_timezone,
    schedule_of,
)
from conversations.texts import Texts


def _post(table: Table, t: Texts, key: str, **values: object) -> PostToChannel:
    return PostToChannel(table.partnership.channel_id, Message(t.sections(key, **values)))


def schedule_view(table: Table) -> dict[str, object] | None:
    """The schedule as the texts show it, or None when check-ins are off."""
    p = table.partnership
    schedule = schedule_of(p.checkin_weeks, p.checkin_weekday, p.checkin_time)
    if schedule is None:
        return None
    return {"weeks": schedule.weeks, "weekday": schedule.weekday,
            "time": schedule.time_text, "timezone": p.timezone,
            "next": local(p.next_checkin_at, p)}


def checkin_command(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    """`checkin every N weeks <weekday> <HH:MM>` | `checkin now` | `checkin off`."""
    first = cmd.args[0].lower() if cmd.args else ""
    p = table.partnership
    if first in ("now", "nu"):
        reason = blocked(table)
        if reason is not None:
            return notice(cmd, t, reason)
        return open_checkin(table, ctx)
    if first in ("off", "uit"):
        changed = replace(table, partnership=replace(
            p, checkin_weeks=None, checkin_weekday=None, checkin_time=None,
            next_checkin_at=None))
        return Decision(changed, (_post(changed, t, "checkin_off"),))
    if not cmd.args:
        return notice(cmd, t, "checkin_usage", schedule=schedule_view(table),
                       error=None, low=MIN_WEEKS, high=MAX_WEEKS)
    parsed = parse_schedule(cmd.args)
    if isinstance(parsed, ScheduleError):
        return notice(cmd, t, "checkin_usage", schedule=None, error=parsed,
                       low=MIN_WEEKS, high=MAX_WEEKS)
    return _set_schedule(table, parsed, p.timezone, t, ctx)


def _set_schedule(table: Table, schedule: Schedule, timezone: str, t: Texts,
                  ctx: Context) -> Decision:
    p = table.partnership
    changed = replace(table, partnership=replace(
        p, timezone=timezone, checkin_weeks=schedule.weeks, checkin_weekday=schedule.weekday,
        checkin_time=schedule.time_text,
        next_checkin_at=next_due(schedule, timezone, ctx.now)))
    return Decision(changed, (_post(changed, t, "checkin_set", schedule=schedule_view(changed)),))


def timezone_command(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    """`timezone <IANA name>`: the clock check-ins keep; the next one moves with it."""
    if not cmd.args:
        return notice(cmd, t, "timezone_usage", current=table.partnership.timezone, bad=None)
    parsed = parse_timezone(cmd.args)
    if isinstance(parsed, ScheduleError):
        return notice(cmd, t, "timezone_usage", current=table.partnership.timezone,
                       bad=parsed.value)
    p = table.partnership
    schedule = schedule_of(p.checkin_weeks, p.checkin_weekday, p.checkin_time)
    following = p.next_checkin_at
    if schedule is not None:
        # Keep the rhythm: the same weeks, now on the new local clock.
        following = next_due(schedule, parsed, ctx.now, anchor=p.next_checkin_at)
    changed = replace(table, partnership=replace(p, timezone=parsed, next_checkin_at=following))
    return Decision(changed, (_post(changed, t, "timezone_set", timezone=parsed,
                                    schedule=schedule_view(changed)),))


# --- the check-in's part in status, reveal and remind ---------------------------------------
def checkin_status(table: Table, t: Texts, coordinator: bool = False) -> tuple[str, ...]:
    """The schedule, the next check-in in local time, and who answered an open one.

    How to plan check-ins is shown only to a `coordinator`: nobody else can.
    """
    rnd = table.open_round(RoundKind.CHECKIN)
    rows = []
    if rnd is not None:
        for member in table.partners:
            interview = table.interview(rnd, member.user_id)
            if interview is None:
                continue
            state = ("sealed" if interview.sealed else
                     "busy" if interview.step != CheckinStep.BALANCE else "not_started")
            rows.append({"name": member.name, "state": state, "unreachable": member.unreachable})
    return t.sections("checkin_status", schedule=schedule_view(table), coordinator=coordinator,
                      open=rnd is not None, rows=rows,
                      closes=local(rnd.deadline, table.partnership) if rnd else None)


def reveal_checkin(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    """The coordinator closes the window early; the scheduler posts the result at once."""
    rnd = table.open_round(RoundKind.CHECKIN)
    partners = {m.user_id: m for m in table.partners}
    invited = [i for i in table.interviews_of(rnd) if i.user_id in partners]
    answered = sum(1 for i in invited if i.sealed)
    if answered == 0:
        return notice(cmd, t, "nobody_answered")
    missing = [partners[i.user_id].name for i in invited if not i.sealed]
    if missing and cmd.args[:1] != ("force",):
        r = {"answered": answered, "invited": len(invited), "missing": missing}
        return notice(cmd, t, "reveal_waiting", r=r)
    changed = table.with_round(replace(rnd, deadline=ctx.now, remind_at=None))
    return Decision(changed, (_post(changed, t, "checkin_closing"),))


def remind_checkin(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    rnd = table.open_round(RoundKind.CHECKIN)
    who = waiting(table, rnd)
    if not who:
        return notice(cmd, t, "everyone_answered")
    changed, effects = remind(table, rnd, who, ctx.now)
    names = [table.member(i.user_id).name for i in who]
    return Decision(changed, (*effects, _post(changed, t, "reminded", waiting=names)))

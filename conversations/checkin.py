"""The check-in: three private questions, asked again and again on a schedule.

Does the balance still hold? Each partner answers privately — balance now (the same
five-point scale as the interest round), does the collaboration still deliver what they
came for (yes / doubt / no), what changed — and seals. The answers stay sealed until the
window closes (or the coordinator reveals earlier); then the aggregate goes to the shared
channel, see `conversations.checkin_result`.

The interview runs on the same machine as the interest round (`conversations.interview`)
with its own transition table, `FLOW`. Its steps are stored as `Step` values 1–4;
`CheckinStep` names them.

Time-driven transitions (open when due, remind once, close when the window ends) are
functions of the table and the time passed in; `bot.scheduler` calls them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import IntEnum
from zoneinfo import ZoneInfo

from conversations import categories
from conversations.agreements import AgreementView, agreement_views
from conversations.context import Context
from conversations.decision import Decision
from conversations.effects import Effect, PostToChannel, SendPrivate
from conversations.messages import Button, Message
from conversations.model import (
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
from conversations.prompts import Prompter
from conversations.schedule import next_due, schedule_of, zone
from conversations.steps import Flow, Kind, StepSpec
from conversations.texts import Texts

MAX_REMIND_BEFORE = timedelta(hours=24)


class CheckinStep(IntEnum):
    """Stored step values; the order they are asked in is `flow_for`'s."""

    BALANCE = 1
    DELIVERS = 2
    CHANGED = 3
    REVIEW = 4
    AGREEMENTS = 5  # only for partners who are part of a confirmed agreement
    VALUED = 6


TABLE: dict[Step, StepSpec] = {
    Step(CheckinStep.BALANCE): StepSpec(Kind.SCALE, "balance", options=categories.BALANCE),
    Step(CheckinStep.DELIVERS): StepSpec(Kind.SCALE, "delivers", options=categories.DELIVERS),
    Step(CheckinStep.AGREEMENTS): StepSpec(Kind.VERDICTS, "kept", "kept_note",
                                           categories.VERDICTS),
    Step(CheckinStep.VALUED): StepSpec(Kind.SCALE, "valued", options=categories.VALUED),
    Step(CheckinStep.CHANGED): StepSpec(Kind.TEXT, "changed"),
    Step(CheckinStep.REVIEW): StepSpec(Kind.REVIEW),
}


def flow_for(with_agreements: bool) -> Flow:
    """Balance, still worth it, the agreements (if any), own people, what changed, review."""
    asked = (CheckinStep.BALANCE, CheckinStep.DELIVERS,
             *((CheckinStep.AGREEMENTS,) if with_agreements else ()),
             CheckinStep.VALUED, CheckinStep.CHANGED, CheckinStep.REVIEW)
    return Flow(TABLE, tuple(Step(s) for s in asked))


FLOW = flow_for(False)


def local(moment: datetime | None, partnership: Partnership) -> datetime | None:
    """`moment` on the partnership's own clock (UTC if its timezone is unknown)."""
    if moment is None:
        return None
    return moment.astimezone(zone(partnership.timezone) or ZoneInfo("UTC"))


def remind_before(window: timedelta) -> timedelta:
    """The reminder goes out a day before the window closes, or halfway a short window."""
    return min(window / 2, MAX_REMIND_BEFORE)


# --- the questions -----------------------------------------------------------------------
class CheckinPrompter(Prompter):
    """The messages of one partner's check-in.

    `came_for` is what they wanted to get in the last revealed interest round (recalled at
    "still worth it?"); `agreements` are the confirmed ones they are part of.
    """

    def __init__(self, partnership: Partnership, rnd: Round, member: Member,
                 came_for: CameFor | None = None,
                 agreements: tuple[AgreementView, ...] = ()) -> None:
        super().__init__(partnership, rnd, member)
        self.came_for = came_for
        self.agreements = agreements
        self.flow = flow_for(bool(agreements))

    @classmethod
    def of(cls, table: Table, rnd: Round, member: Member) -> CheckinPrompter:
        mine = tuple(v for v in agreement_views(table)
                     if v.status == str(AgreementStatus.CONFIRMED) and member.user_id in v.parties)
        return cls(table.partnership, rnd, member, came_for(table, member.user_id), mine)

    @property
    def closes(self) -> datetime | None:
        return local(self.round.deadline, self.partnership)

    def question(self, interview: Interview, lead: tuple[str, ...] = ()) -> Message:
        step = CheckinStep(int(interview.step))
        if step is CheckinStep.REVIEW or interview.step not in self.flow.order:
            return self.review(interview, lead)
        t = self.t
        answers = interview.answers
        intro: tuple[str, ...] = ()
        if step is CheckinStep.BALANCE and not interview.editing and not interview.sealed:
            intro = t.sections("checkin_intro", partnership=self.partnership.name,
                               closes=self.closes, anonymous=self.partnership.anonymous,
                               questions=len(self.flow.editable))
        head = t.markup("step_header", number=self.flow.position(interview.step),
                        total=len(self.flow.editable),
                        title=t.label(f"checkin_step_{int(step)}"))
        rows: list[tuple[Button, ...]] = []
        if step is CheckinStep.BALANCE:
            body = t.sections("ask_checkin_balance")
            for n in categories.BALANCE:
                rows.append((self._button(step, f"c:{n}", t.label(f"balance_{n}"),
                                          selected=n == answers.balance),))
        elif step in (CheckinStep.DELIVERS, CheckinStep.VALUED):
            field = TABLE[interview.step].field
            body = t.sections(f"ask_{field}", came_for=self.came_for, cat=t.category_labels())
            current = getattr(answers, field)
            rows.append(tuple(
                self._button(step, f"c:{o}", t.label(f"{field}_{o}"), selected=o == current)
                for o in TABLE[interview.step].options
            ))
        elif step is CheckinStep.AGREEMENTS:
            body = t.sections("ask_kept", agreements=self.agreements, note=answers.kept_note)
            rows.extend(self._verdict_row(a, answers) for a in self.agreements)
            rows.append((self._button(step, "next", t.label("button_next"), primary=True),))
        else:
            body = t.sections("ask_changed", current=answers.changed)
        rows.append((self._button(step, "skip", t.label("button_skip")),))
        if interview.editing:
            rows.append((self._button(step, "review", t.label("button_back_to_review")),))
        return Message((*lead, *intro, head, *body), tuple(rows))

    def _verdict_row(self, agreement: AgreementView, answers: Answers) -> tuple[Button, ...]:
        """Kept / partly / not for one agreement; numbered when there are several."""
        number = agreement.number
        several = len(self.agreements) > 1
        return tuple(
            self._button(CheckinStep.AGREEMENTS, f"v:{number}:{v}",
                         self.t.label("verdict_button", verdict=v,
                                      number=number if several else None),
                         selected=answers.verdict(number) == v)
            for v in categories.VERDICTS
        )

    def review(self, interview: Interview, lead: tuple[str, ...] = ()) -> Message:
        t = self.t
        body = t.sections("checkin_review", rows=self._review_rows(interview.answers),
                          sealed=interview.sealed, closes=self.closes)
        change = tuple(
            self._button(CheckinStep.REVIEW, f"e:{int(s)}",
                         t.label("button_change", number=self.flow.position(s)))
            for s in self.flow.editable
        )
        rows = [change[i : i + 3] for i in range(0, len(change), 3)]
        seal_key = "button_seal_again" if interview.sealed else "button_seal"
        rows.append((self._button(CheckinStep.REVIEW, "seal", t.label(seal_key), primary=True),))
        return Message((*lead, *body), tuple(rows))

    def _review_rows(self, answers: Answers) -> list[dict[str, object]]:
        view = self.view(answers)
        return [
            {"number": self.flow.position(s), "step": int(s),
             "title": self.t.label(f"checkin_step_{int(s)}"),
             "value": view[TABLE[s].field], "note": view.get(TABLE[s].note_field or "")}
            for s in self.flow.editable
        ]

    def view(self, answers: Answers) -> dict[str, object]:
        view = answer_view(self.t, answers)
        view["kept"] = [self.t.label("verdict_line", number=a.number,
                                     verdict=answers.verdict(a.number))
                        for a in self.agreements if answers.verdict(a.number)]
        return view


@dataclass(frozen=True)
class CameFor:
    """What a partner wanted to get in the last revealed interest round."""

    round: int  # its ordinal
    gets: tuple[str, ...]  # category codes
    note: str | None


def came_for(table: Table, user_id: str) -> CameFor | None:
    """Their sealed 'get' answers of the latest interest round, once it was revealed."""
    rnd = table.latest(RoundKind.INTERESTS)
    if rnd is None or rnd.status is not RoundStatus.REVEALED:
        return None
    interview = table.interview(rnd, user_id)
    if interview is None or not interview.sealed or not (
            interview.answers.gets or interview.answers.get_note):
        return None
    gets = tuple(c for c in categories.ALL if c in interview.answers.gets)
    return CameFor(rnd.ordinal, gets, interview.answers.get_note)


def answer_view(t: Texts, answers: object) -> dict[str, object]:
    """Check-in answers with codes turned into words."""
    balance = getattr(answers, "balance", None)
    delivers = getattr(answers, "delivers", None)
    valued = getattr(answers, "valued", None)
    return {
        "balance": t.label(f"balance_{balance}") if balance else None,
        "delivers": t.label(f"delivers_{delivers}") if delivers else None,
        "valued": t.label(f"valued_{valued}") if valued else None,
        "changed": getattr(answers, "changed", None),
        "kept_note": getattr(answers, "kept_note", None),
    }


# --- opening -------------------------------------------------------------------------------
def blocked(table: Table) -> str | None:
    """Why no check-in can open now (a text key), or None."""
    if table.open_round(RoundKind.CHECKIN) is not None:
        return "checkin_already_open"
    if table.open_round(RoundKind.INTERESTS) is not None:
        return "checkin_round_open"
    if not table.partners:
        return "checkin_no_partners"
    return None


def open_checkin(table: Table, ctx: Context) -> Decision:
    """Open a check-in now: ask every partner privately, tell the channel."""
    window = ctx.checkin_window
    deadline = ctx.now + window
    rnd = Round(
        number=table.next_round_number(),
        ordinal=table.next_ordinal(RoundKind.CHECKIN),
        kind=RoundKind.CHECKIN,
        status=RoundStatus.OPEN,
        opened_at=ctx.now,
        token=ctx.token,
        deadline=deadline,
        remind_at=deadline - remind_before(window),
    )
    changed = table.with_round(rnd)
    effects: list[Effect] = []
    for partner in table.partners:
        interview = Interview(rnd.number, partner.user_id, Step(CheckinStep.BALANCE),
                              asked_at=ctx.now)
        changed = changed.with_interview(interview)
        question = CheckinPrompter.of(table, rnd, partner).question(interview)
        effects.append(SendPrivate(partner.user_id, question))
    t = Texts.of(table.partnership)
    agreed = any(a.status is AgreementStatus.CONFIRMED for a in table.agreements)
    announcement = t.sections("checkin_opened", partners=[m.name for m in table.partners],
                              closes=local(deadline, table.partnership), agreements=agreed)
    effects.append(PostToChannel(table.partnership.channel_id, Message(announcement)))
    return Decision(changed, tuple(effects))


def checkin_due(table: Table, ctx: Context) -> Decision:
    """The scheduler found this partnership due: open one check-in, plan the next.

    However long the bot was away, this opens at most one check-in, and the next due
    time lies strictly after `ctx.now`. Called twice for the same due time (another
    process got there first), the second call changes nothing.
    """
    p = table.partnership
    if p.next_checkin_at is None or p.next_checkin_at > ctx.now:
        return Decision(None)
    schedule = schedule_of(p.checkin_weeks, p.checkin_weekday, p.checkin_time)
    following = None
    if schedule is not None and zone(p.timezone) is not None:
        following = next_due(schedule, p.timezone, ctx.now, anchor=p.next_checkin_at)
    planned = replace(table, partnership=replace(p, next_checkin_at=following))
    reason = blocked(planned)
    if reason is None:
        return open_checkin(planned, ctx)
    t = Texts.of(p)
    skipped = t.sections("checkin_skipped", reason=reason,
                         following=local(following, p))
    return Decision(planned, (PostToChannel(p.channel_id, Message(skipped)),))


def work_due(table: Table, now: datetime) -> bool:
    """Whether the scheduler has work here at `now`: the planned check-in, or the open
    check-in's reminder or its closing (say, the last partner just sealed)."""
    planned = table.partnership.next_checkin_at
    if planned is not None and planned <= now:
        return True
    rnd = table.open_round(RoundKind.CHECKIN)
    return rnd is not None and any(at is not None and at <= now
                                   for at in (rnd.remind_at, rnd.deadline))


# --- answering -----------------------------------------------------------------------------
def after_seal(table: Table, rnd: Round, now: datetime) -> Table:
    """When the last partner seals, the window closes now; the scheduler posts the result."""
    partners = {m.user_id for m in table.partners}
    mine = [i for i in table.interviews_of(rnd) if i.user_id in partners]
    if mine and all(i.sealed for i in mine) and (rnd.deadline is None or rnd.deadline > now):
        return table.with_round(replace(rnd, deadline=now, remind_at=None))
    return table


# --- reminding -----------------------------------------------------------------------------
def waiting(table: Table, rnd: Round) -> list[Interview]:
    """The interviews of current partners that are not sealed yet."""
    partners = {m.user_id for m in table.partners}
    return [i for i in table.interviews_of(rnd) if i.user_id in partners and not i.sealed]


def remind(table: Table, rnd: Round, who: list[Interview], now: datetime) -> tuple[Table,
                                                                                    list[Effect]]:
    """Ask each of `who` again, with a friendly word and the closing time first."""
    t = Texts.of(table.partnership)
    changed = table
    effects: list[Effect] = []
    for interview in who:
        member = table.member(interview.user_id)
        prompter = CheckinPrompter.of(table, rnd, member)
        lead = t.sections("checkin_reminder", partnership=table.partnership.name,
                          closes=prompter.closes)
        effects.append(SendPrivate(member.user_id, prompter.question(interview, lead)))
        changed = changed.with_interview(replace(interview, reminded_at=now, asked_at=now))
    return changed, effects


def remind_due(table: Table, ctx: Context) -> Decision:
    """The one automatic reminder, to partners not sealed and not reminded yet."""
    rnd = table.open_round(RoundKind.CHECKIN)
    if rnd is None or rnd.remind_at is None or rnd.remind_at > ctx.now:
        return Decision(None)
    who = [i for i in waiting(table, rnd) if i.reminded_at is None]
    changed, effects = remind(table, rnd, who, ctx.now)
    changed = changed.with_round(replace(rnd, remind_at=None))
    return Decision(changed, tuple(effects))

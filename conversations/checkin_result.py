"""Closing a check-in: from sealed answers and the history to what the channel sees.

`aggregate` is pure data (per partner: balance now, at the previous check-in and at the
interest round; still delivers; what changed; warnings and discussion questions);
`checkin_message` turns it into words and `trend` into the data of the picture, which
the shell draws (`bot.chart`) and uploads next to the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from conversations import categories
from conversations.agreements import AgreementView, agreement_views
from conversations.checkin import answer_view, local
from conversations.context import Context
from conversations.decision import Decision
from conversations.effects import PostToChannel, UploadPicture
from conversations.messages import Message
from conversations.model import (
    AgreementStatus,
    Interview,
    Partnership,
    Round,
    RoundKind,
    RoundStatus,
    Table,
)
from conversations.reveal import anonymous_order
from conversations.texts import Texts
from conversations.trend import Series, Trend

EVEN = 3  # "about even" on the five-point balance scale

# Revealed rounds of a partnership, each with its interviews (from storage, oldest first).
History = Sequence[tuple[Round, Sequence[Interview]]]


@dataclass(frozen=True)
class PartnerCheckin:
    """One partner's line in the aggregate; `user_id` is None in anonymous mode."""

    label: str
    user_id: str | None
    balance: int | None
    previous: int | None  # at the previous check-in
    interests: int | None  # at the latest interest round
    delivers: str | None
    changed: str | None
    valued: str | None = None  # do their own people still value it (yes/doubt/no)

    @property
    def reference(self) -> int | None:
        return self.previous if self.previous is not None else self.interests

    @property
    def tipped(self) -> bool:
        """Now bringing more than getting, and more so than last time (or first time)."""
        if self.balance not in categories.BRINGS_MORE:
            return False
        return self.reference is None or self.balance > self.reference

    @property
    def slid(self) -> bool:
        """Got more than they brought, now only about even: the margin that keeps them is gone."""
        return self.balance == EVEN and self.reference is not None and self.reference < EVEN

    @property
    def still_brings_more(self) -> bool:
        return self.balance in categories.BRINGS_MORE and not self.tipped


@dataclass(frozen=True)
class AgreementCheck:
    """A confirmed agreement and what its partners said about it in this check-in.

    `verdicts` are (name, kept/partly/not); the name is None in anonymous mode, where the
    agreement itself keeps its names (it was made openly) but answers stay unattributed.
    """

    agreement: AgreementView
    verdicts: tuple[tuple[str | None, str], ...]

    @property
    def not_kept(self) -> bool:
        return any(v != "kept" for _, v in self.verdicts)


@dataclass(frozen=True)
class CheckinResult:
    number: int  # the how-manieth check-in of this partnership
    answered: int
    invited: int
    missing: tuple[str, ...]  # names of partners who did not seal
    partners: tuple[PartnerCheckin, ...]
    tipped: tuple[str, ...]
    slid: tuple[str, ...]  # from "I get more" to "about even"
    still_brings_more: tuple[str, ...]
    not_delivering: tuple[str, ...]
    doubting: tuple[str, ...]
    questions: tuple[tuple[str, dict], ...]
    labels: dict[str, str]  # user id → label, for the trend
    agreements: tuple[AgreementCheck, ...] = ()
    kept_notes: tuple[tuple[str | None, str], ...] = ()  # (name or None, their line)
    not_valued: tuple[str, ...] = ()  # their own people doubt it or no longer value it


def _balances(interviews: Sequence[Interview]) -> dict[str, int]:
    """The revealed balance per user: sealed answers only."""
    return {i.user_id: i.answers.balance for i in interviews
            if i.sealed and i.answers.balance is not None}


def _previous(history: History, kind: RoundKind, before: int) -> dict[str, int]:
    earlier = [(r, i) for r, i in history if r.kind is kind and r.number < before]
    return _balances(earlier[-1][1]) if earlier else {}


def aggregate(table: Table, rnd: Round, history: History,
              anonymous_label: str = "Partner {}") -> CheckinResult:
    partners = {m.user_id: m for m in table.partners}
    invited = [i for i in table.interviews_of(rnd) if i.user_id in partners]
    sealed = [i for i in invited if i.sealed]
    if table.partnership.anonymous:
        ordered = anonymous_order(rnd, sealed)
        labels = {i.user_id: anonymous_label.format(chr(ord("A") + n))
                  for n, i in enumerate(ordered)}
    else:
        order = list(partners)
        ordered = sorted(sealed, key=lambda i: order.index(i.user_id))
        labels = {u: m.name for u, m in partners.items()}
    previous = _previous(history, RoundKind.CHECKIN, rnd.number)
    interests = _previous(history, RoundKind.INTERESTS, rnd.number)
    rows = tuple(
        PartnerCheckin(
            label=labels[i.user_id],
            user_id=None if table.partnership.anonymous else i.user_id,
            balance=i.answers.balance,
            previous=previous.get(i.user_id),
            interests=interests.get(i.user_id),
            delivers=i.answers.delivers,
            changed=i.answers.changed,
            valued=i.answers.valued,
        )
        for i in ordered
    )
    checks, notes = _agreements(table, ordered)
    result = CheckinResult(
        number=rnd.ordinal,
        answered=len(sealed),
        invited=len(invited),
        missing=tuple(partners[i.user_id].name for i in invited if not i.sealed),
        partners=rows,
        tipped=tuple(p.label for p in rows if p.tipped),
        slid=tuple(p.label for p in rows if p.slid),
        still_brings_more=tuple(p.label for p in rows if p.still_brings_more),
        not_delivering=tuple(p.label for p in rows if p.delivers == "no"),
        doubting=tuple(p.label for p in rows if p.delivers == "doubt"),
        questions=(),
        labels={i.user_id: labels[i.user_id] for i in ordered} if table.partnership.anonymous
        else labels,
        agreements=checks,
        kept_notes=notes,
        not_valued=tuple(p.label for p in rows if p.valued in ("doubt", "no")),
    )
    return replace(result, questions=_questions(result))


def _agreements(table: Table, sealed: Sequence[Interview]) -> tuple[
        tuple[AgreementCheck, ...], tuple[tuple[str | None, str], ...]]:
    """Each confirmed agreement with the verdicts of its own partners, and their lines."""
    named = not table.partnership.anonymous
    checks = []
    for view in agreement_views(table):
        if view.status != str(AgreementStatus.CONFIRMED):
            continue
        verdicts = tuple(
            (table.member(i.user_id).name if named else None, verdict)
            for i in sealed
            if i.user_id in view.parties and (verdict := i.answers.verdict(view.number))
        )
        checks.append(AgreementCheck(view, verdicts))
    parties = {p for c in checks for p in c.agreement.parties}
    notes = tuple((table.member(i.user_id).name if named else None, i.answers.kept_note)
                  for i in sealed if i.user_id in parties and i.answers.kept_note)
    return tuple(checks), notes


def _questions(r: CheckinResult) -> tuple[tuple[str, dict], ...]:
    """What to talk about, most pressing first; at least two, none left out."""
    questions: list[tuple[str, dict]] = []
    if r.tipped:
        questions.append(("checkin_question_tipped", {"who": r.tipped}))
    if r.not_delivering:
        questions.append(("checkin_question_no", {"who": r.not_delivering}))
    unkept = [c.agreement for c in r.agreements if c.not_kept]
    if unkept:
        questions.append(("checkin_question_kept", {"agreements": unkept}))
    if r.not_valued:
        questions.append(("checkin_question_valued", {"who": r.not_valued}))
    if r.slid:
        questions.append(("checkin_question_slid", {"who": r.slid}))
    if r.still_brings_more:
        questions.append(("checkin_question_still", {"who": r.still_brings_more}))
    if r.doubting:
        questions.append(("checkin_question_doubt", {"who": r.doubting}))
    for fallback in ("checkin_question_changed", "checkin_question_keep"):
        if len(questions) >= 2:
            break
        questions.append((fallback, {}))
    return tuple(questions)


def trend(table: Table, rnd: Round, history: History, result: CheckinResult,
          t: Texts) -> Trend:
    """Each partner's balance over every revealed round and this check-in, oldest first."""
    rounds = [(r, i) for r, i in history if r.number < rnd.number]
    rounds.append((rnd, table.interviews_of(rnd)))
    interest_count = sum(1 for r, _ in rounds if r.kind is RoundKind.INTERESTS)
    x_labels, columns = [], []
    for r, interviews in rounds:
        day = local(r.opened_at, table.partnership)
        if r.kind is RoundKind.CHECKIN:
            name = t.label("trend_checkin", number=r.ordinal)
        else:
            name = t.label("trend_interests", number=r.ordinal if interest_count > 1 else None)
        x_labels.append(f"{name}\n{t.label('short_date', d=day)}")
        columns.append(_balances(interviews))
    series = tuple(
        Series(label, tuple(column.get(user_id) for column in columns))
        for user_id, label in result.labels.items()
        if any(user_id in column for column in columns)
    )
    return Trend(
        title=t.label("trend_title", name=table.partnership.name),
        x_labels=tuple(x_labels),
        series=series,
        y_labels=tuple(t.label(f"balance_{n}") for n in categories.BALANCE),
        x_title=t.label("trend_x"),
        y_title=t.label("trend_y"),
    )


def checkin_message(t: Texts, partnership: Partnership, r: CheckinResult) -> Message:
    """One section per part, so that platforms split between them, never inside."""
    sections = list(t.sections("checkin_result_header", name=partnership.name, r=r))
    for p in r.partners:
        view = {
            **answer_view(t, p),
            "previous": t.label(f"balance_{p.previous}") if p.previous else None,
            "interests": t.label(f"balance_{p.interests}") if p.interests else None,
            "move": _move(p.balance, p.reference),
        }
        sections.extend(t.sections("checkin_result_card", p=p, a=view))
    if r.agreements:
        sections.extend(t.sections("checkin_result_agreements", r=r))
    if r.tipped or r.slid or r.still_brings_more or r.not_delivering:
        sections.extend(t.sections("checkin_result_warning", r=r))
    questions = [t.markup(key, **values) for key, values in r.questions]
    sections.extend(t.sections("reveal_questions", questions=questions))
    return Message(tuple(sections))


def _move(now: int | None, before: int | None) -> str | None:
    """"more" (toward bringing more than getting), "less", "same", or None."""
    if now is None or before is None:
        return None
    return "same" if now == before else ("more" if now > before else "less")


def close_due(table: Table, history: History, ctx: Context) -> Decision:
    """The window has closed: post the aggregate and the trend picture.

    Only sealed answers are shown. Nobody answered: the check-in is cancelled, quietly
    said so in the channel. Not due or already closed: nothing happens.
    """
    rnd = table.open_round(RoundKind.CHECKIN)
    if rnd is None or rnd.deadline is None or rnd.deadline > ctx.now:
        return Decision(None)
    t = Texts.of(table.partnership)
    channel = table.partnership.channel_id
    result = aggregate(table, rnd, history, t.label("anonymous_partner"))
    if result.answered == 0:
        closed = table.with_round(replace(rnd, status=RoundStatus.CANCELLED,
                                          closed_at=ctx.now, remind_at=None))
        empty = Message(t.sections("checkin_closed_empty"))
        return Decision(closed, (PostToChannel(channel, empty),))
    message = checkin_message(t, table.partnership, result)
    closed = table.with_round(replace(rnd, status=RoundStatus.REVEALED, closed_at=ctx.now,
                                      remind_at=None, posted=message))  # kept for export all
    picture = UploadPicture(channel, trend(table, rnd, history, result, t))
    return Decision(closed, (PostToChannel(channel, message), picture))

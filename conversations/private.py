"""Everything that happens in the private chat: answers, buttons, joining, own commands."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from conversations import payloads
from conversations.agreement_buttons import agreement_press
from conversations.checkin import CheckinPrompter, after_seal
from conversations.command_names import canonical
from conversations.context import Context
from conversations.decision import Decision
from conversations.effects import EditMessage, Effect, Notice, PostToChannel, SendPrivate
from conversations.events import ButtonPress, Join, Person, PrivateCommand, PrivateText
from conversations.exports import own_export
from conversations.interview import Input, Outcome, Pressed, Text, apply
from conversations.lifecycle import CHANNEL_COMMANDS
from conversations.messages import Message
from conversations.model import (
    Answers,
    Interview,
    Member,
    Round,
    RoundKind,
    RoundStatus,
    Table,
)
from conversations.prompts import Prompter
from conversations.replies import say
from conversations.status import status_rows
from conversations.steps import Flow
from conversations.texts import Texts


def _texts(table: Table | None, ctx: Context) -> Texts:
    return Texts.of(table.partnership) if table else Texts(ctx.default_language, ctx.platform)


def _open_interviews(table: Table, user_id: str) -> list[tuple[Round, Interview]]:
    """This partner's interviews in the open rounds of one partnership."""
    member = table.member(user_id)
    if member is None or not member.is_partner:
        return []
    found = []
    for kind in RoundKind:
        rnd = table.open_round(kind)
        interview = table.interview(rnd, user_id) if rnd is not None else None
        if interview is not None:
            found.append((rnd, interview))
    return found


def _rank(pair: tuple[Round, Interview]) -> tuple[bool, float, int]:
    """Unsealed first, then the one whose question was asked last, then the newest."""
    rnd, interview = pair
    asked = interview.asked_at.timestamp() if interview.asked_at else float("-inf")
    return interview.sealed, -asked, -rnd.number


def _active(table: Table, user_id: str) -> tuple[Round, Interview] | None:
    """The open round this partner is answering in this partnership."""
    return min(_open_interviews(table, user_id), key=_rank, default=None)


def asked(table: Table, interview: Interview, now: datetime) -> Table:
    """Remember that this interview's question was just sent: typed text goes there."""
    return table.with_interview(replace(interview, asked_at=now))


def _prompter(table: Table, rnd: Round, member: Member) -> Prompter | CheckinPrompter:
    """The questions of the round's kind: the interest interview or the check-in."""
    if rnd.kind is RoundKind.CHECKIN:
        return CheckinPrompter.of(table, rnd, member)
    return Prompter(table.partnership, rnd, member)


def _flow(table: Table, rnd: Round, user_id: str) -> Flow:
    member = table.member(user_id) or Member(user_id, user_id)
    return _prompter(table, rnd, member).flow


def pick(tables: list[Table], user_id: str) -> Table | None:
    """The partnership a private message is about: the question asked last, unsealed first.

    A partner in two partnerships may have two open interviews; typed text answers the
    question they saw last, never the other one.
    """
    current = [(t, pair) for t in tables if (pair := _active(t, user_id)) is not None]
    if not current:
        return tables[0] if tables else None
    return min(current, key=lambda found: _rank(found[1]))[0]


def _reachable(table: Table, user_id: str) -> Table:
    """Someone who writes to the bot can be written to again."""
    member = table.member(user_id)
    if member is not None and member.unreachable:
        return table.with_member(replace(member, unreachable=False))
    return table


def private_text(tables: list[Table], ev: PrivateText, ctx: Context) -> Decision:
    table = pick(tables, ev.actor.user_id)
    if table is None:
        return say(ev.actor.user_id, _texts(None, ctx), "not_in_partnership")
    active = _active(table, ev.actor.user_id)
    if active is None:
        return say(ev.actor.user_id, Texts.of(table.partnership), "no_open_interview",
                    partnership=table.partnership.name)
    rnd, interview = active
    label = _prompter(table, rnd, table.member(ev.actor.user_id)).typed_button(
        interview, ev.text)
    given: Input = Pressed(label) if label is not None else Text(ev.text)
    return _answer(table, rnd, interview, given, ctx.now, origin=None)


def button_press(table: Table | None, ev: ButtonPress, ctx: Context) -> Decision:
    """A press on an interview or agreement button (a join button arrives as a `Join`)."""
    if table is not None and payloads.decode_agreement(ev.payload) is not None:
        return agreement_press(_reachable(table, ev.actor.user_id), ev, ctx)
    press = payloads.decode(ev.payload)
    t = _texts(table, ctx)
    if table is None or press is None:  # (undecodable payloads go to `unknown_button`)
        return say(ev.actor.user_id, t, "stale_button_unknown")
    rnd = table.round_by_number(press.round_number)
    interview = table.interview(rnd, ev.actor.user_id) if rnd else None
    if rnd is None or interview is None:
        return say(ev.actor.user_id, t, "stale_button_round")
    if not table.member(ev.actor.user_id).is_partner:  # taken off the list since
        return say(ev.actor.user_id, t, "no_longer_partner", partnership=table.partnership.name)
    if rnd.status is RoundStatus.REVEALED:
        return say(ev.actor.user_id, t, "frozen_after_reveal")
    if rnd.status is RoundStatus.CANCELLED:
        return say(ev.actor.user_id, t, "round_was_cancelled")
    if press.step != interview.step:
        member = table.member(ev.actor.user_id)
        lead = t.sections("stale_button_step")
        question = _prompter(table, rnd, member).question(interview, lead)
        changed = asked(table, interview, ctx.now)
        return Decision(changed, (SendPrivate(ev.actor.user_id, question),))
    return _answer(table, rnd, interview, Pressed(press.value), ctx.now, origin=ev.origin)


def _answer(table: Table, rnd: Round, before: Interview, given: Input, now: datetime,
            origin: str | None) -> Decision:
    user_id = before.user_id
    table = _reachable(table, user_id)
    member = table.member(user_id)
    prompter = _prompter(table, rnd, member)
    outcome: Outcome = apply(before, given, now, member.organisation, prompter.flow)
    after = outcome.interview
    if outcome.ask or outcome.update_pressed:
        after = replace(after, asked_at=now)
    changed = table.with_interview(after)
    if after.answers.organisation and after.answers.organisation != member.organisation:
        member = replace(member, organisation=after.answers.organisation)
        changed = changed.with_member(member)
        prompter = _prompter(changed, rnd, member)
    t = prompter.t
    feedback = outcome.feedback
    if feedback and rnd.kind is RoundKind.CHECKIN and t.has(f"checkin_{feedback}"):
        feedback = f"checkin_{feedback}"  # e.g. who sees sealed check-in answers, and when
    values = {**outcome.values, **({"closes": prompter.closes} if feedback == "checkin_sealed"
                                   else {})}
    lead = t.sections(feedback, **values) if feedback else ()
    effects: list[Effect] = []
    if origin is not None and outcome.update_pressed:
        # The pressed message shows the new state, with the feedback (e.g. sealed) on top:
        # one confirmation, not an updated message plus a separate one.
        effects.append(EditMessage(origin, prompter.question(after, lead)))
        lead = ()
    elif origin is not None and after.step is not before.step:
        shown = replace(after, step=before.step, editing=before.editing)
        effects.append(EditMessage(origin, prompter.answered(shown)))
    if outcome.ask or (outcome.update_pressed and origin is None):  # typed: show it anew
        effects.append(SendPrivate(user_id, prompter.question(after, lead)))
    elif lead:
        effects.append(SendPrivate(user_id, Message(lead)))
    if after.sealed and not before.sealed and rnd.kind is RoundKind.CHECKIN:
        changed = after_seal(changed, rnd, now)  # the last one in: the results come now
    elif after.sealed and not before.sealed:
        effects.extend(_all_answered(changed, rnd))
    return Decision(changed, tuple(effects))


def _all_answered(table: Table, rnd: Round) -> list[Effect]:
    """Tell the coordinators privately when the last partner has sealed."""
    rows = status_rows(table, rnd)
    if not rows or any(r.state != "sealed" for r in rows):
        return []
    t = Texts.of(table.partnership)
    message = Message(t.sections("all_answered", partnership=table.partnership.name))
    return [SendPrivate(c.user_id, message) for c in table.coordinators]


def join(table: Table | None, ev: Join, ctx: Context) -> Decision:
    """Someone followed an invitation: make them a partner and start their interview."""
    t = _texts(table, ctx)
    if table is None:
        return say(ev.actor.user_id, t, "invite_invalid")
    rnd = table.open_round()
    if rnd is None or rnd.token != ev.token:
        return say(ev.actor.user_id, t, "invite_closed", partnership=table.partnership.name)
    known = table.member(ev.actor.user_id)
    if not ev.in_channel and (known is None or not known.is_partner):
        # A forwarded invitation alone does not make anyone a partner.
        return say(ev.actor.user_id, t, "join_ask_coordinator",
                    partnership=table.partnership.name,
                    coordinators=[c.name for c in table.coordinators])
    member = known or Member(ev.actor.user_id, ev.actor.name)
    changed = _reachable(table.with_member(replace(member, is_partner=True)),
                         ev.actor.user_id)
    member = changed.member(ev.actor.user_id)
    interview = changed.interview(rnd, member.user_id)
    prompter = Prompter(changed.partnership, rnd, member)
    if interview is None:
        interview = Interview(rnd.number, member.user_id)
        changed = asked(changed, interview, ctx.now)
        return Decision(changed, (SendPrivate(member.user_id, prompter.question(interview)),))
    lead = t.sections("welcome_back")
    changed = asked(changed, interview, ctx.now)
    return Decision(changed, (SendPrivate(member.user_id, prompter.question(interview, lead)),))


def private_command(tables: list[Table], ev: PrivateCommand, ctx: Context) -> Decision:
    table = pick(tables, ev.actor.user_id)
    t = _texts(table, ctx)
    name = canonical(ev.name)
    user_id = ev.actor.user_id
    if name == "start" and table is not None:
        return _start_again(table, user_id, t)
    if name in ("help", "start"):
        return say(user_id, t, "help_private", member=table is not None)
    if table is None:
        return say(user_id, t, "not_in_partnership")
    if name == "export":  # in private: one's own answers; in the channel: the reveals
        return own_export(tables, user_id, t, ctx)
    if name in CHANNEL_COMMANDS:
        return say(user_id, t, "channel_only", command=ev.name.lower())
    if name == "status":
        return _own_status(tables, ev.actor, ctx)
    if name == "edit":
        active = _active(table, user_id)
        if active is None:
            return say(user_id, t, "no_open_interview", partnership=table.partnership.name)
        rnd, interview = active
        prompter = _prompter(table, rnd, table.member(user_id))
        changed = asked(table, interview, ctx.now)
        if interview.step == prompter.flow.review:
            return Decision(changed, (SendPrivate(user_id, prompter.review(interview)),))
        lead = t.sections("edit_not_yet")
        return Decision(changed, (SendPrivate(user_id, prompter.question(interview, lead)),))
    if name == "forget":
        return _forget(tables, user_id, ev.args)
    return say(user_id, t, "unknown_private_command", command=ev.name)


def _start_again(table: Table, user_id: str, t: Texts) -> Decision:
    """Start pressed (again, e.g. after unblocking the bot): reachable, and where they are."""
    changed = _reachable(table, user_id)
    question = where_you_are(changed, user_id, t.sections("welcome_back"))
    reply = question or Message(t.sections("help_private", member=True))
    return Decision(changed if changed is not table else None, (SendPrivate(user_id, reply),))


def where_you_are(table: Table, user_id: str, lead: tuple[str, ...]) -> Message | None:
    """The question this partner is at (or their overview), with working buttons."""
    active = _active(table, user_id)
    if active is None:
        return None
    rnd, interview = active
    prompter = _prompter(table, rnd, table.member(user_id))
    if interview.step == prompter.flow.review:
        return prompter.review(interview, lead)
    return prompter.question(interview, lead)


def unfinished(table: Table, user_id: str) -> bool:
    """This partner has an open interview they have not sealed yet."""
    return any(not interview.sealed for _, interview in _open_interviews(table, user_id))


def own_status(tables: list[Table], user_id: str) -> tuple[str, ...]:
    """Where this person is in each partnership: the private `status`, the Home tab."""
    if not tables:
        return ()
    lines = []
    for table in tables:
        active = _active(table, user_id)
        flow = _flow(table, active[0], user_id) if active else None
        lines.append(
            {
                "partnership": table.partnership.name,
                "step": flow.position(active[1].step) if flow and active else None,
                "total": flow.position(flow.review) if flow else None,
                "sealed": bool(active and active[1].sealed),
            }
        )
    return Texts.of(tables[0].partnership).sections("own_status", lines=lines)


def _own_status(tables: list[Table], actor: Person, ctx: Context) -> Decision:
    """Each partnership's step, then the current question with its buttons (they work
    whatever process sent them: the payload names partnership, round and step)."""
    return _here(tables, actor.user_id, own_status(tables, actor.user_id), ctx)


def unknown_button(tables: list[Table], ev: ButtonPress, ctx: Context) -> Decision:
    """A button we cannot read (an old message, a restarted terminal): say so, in the
    person's language, and show where they are."""
    table = pick(tables, ev.actor.user_id)
    return _here(tables, ev.actor.user_id, _texts(table, ctx).sections("stale_button_unknown"),
                 ctx)


def _here(tables: list[Table], user_id: str, lead: tuple[str, ...], ctx: Context) -> Decision:
    """`lead`, then the question this person is at with its buttons (or `lead` alone)."""
    table = pick(tables, user_id)
    question = where_you_are(table, user_id, lead) if table is not None else None
    if question is None:
        return Decision(None, (SendPrivate(user_id, Message(lead)),))
    changed = asked(table, _active(table, user_id)[1], ctx.now)
    return Decision(changed, (SendPrivate(user_id, question),))


CONFIRM = frozenset({"yes", "ja"})


def _forget(tables: list[Table], user_id: str, args: tuple[str, ...]) -> Decision:
    """Erase what this person told us that is not revealed yet, in every partnership.

    First time: what will happen, and how to confirm (`forget yes`). Revealed answers stay:
    the others have seen them.
    """
    t = Texts.of(tables[0].partnership)
    if not args or args[0].lower() not in CONFIRM:
        return say(user_id, t, "forget_confirm",
                    partnerships=[table.partnership.name for table in tables])
    changed = [_forgotten(table, user_id) for table in tables]
    reply = SendPrivate(user_id, Message(t.sections("forgotten")))
    return Decision(changed[0], (reply,), others=tuple(changed[1:]), forget=user_id)


def _forgotten(table: Table, user_id: str) -> Table:
    """No organisation; each interview in an open round starts afresh, empty."""
    member = table.member(user_id)
    changed = table.with_member(replace(member, organisation=None))
    for kind in RoundKind:  # also for someone no longer on the partner list
        rnd = table.open_round(kind)
        if rnd is not None and table.interview(rnd, user_id) is not None:
            first = _flow(table, rnd, user_id).first
            changed = changed.with_interview(Interview(rnd.number, user_id, first, Answers()))
    return changed


def delivery_failed(table: Table, effect: Effect, reason: str, unreachable: bool) -> Decision:
    """A platform refused a message for good: mark who is unreachable, tell coordinators."""
    t = Texts.of(table.partnership)
    changed = table
    if isinstance(effect, SendPrivate):
        member = table.member(effect.user_id)
        if member is None:
            return Decision(None)
        if member.is_coordinator:
            return _coordinator_unreachable(table, member, unreachable)
        if unreachable:
            changed = table.with_member(replace(member, unreachable=True))
        key, values = "cannot_reach", {"name": member.name, "reason": reason}
    elif isinstance(effect, Notice | EditMessage):
        return Decision(None)
    else:
        key, values = "cannot_post", {"reason": reason, "partnership": table.partnership.name}
    message = Message(t.sections(key, **values))
    effects = tuple(SendPrivate(c.user_id, message) for c in table.coordinators)
    return Decision(changed if changed is not table else None, effects)


def _coordinator_unreachable(table: Table, member: Member, unreachable: bool) -> Decision:
    """A coordinator the bot cannot write to privately hears it once, in the channel.

    (Telling other coordinators privately could loop.) Writing to the bot makes them
    reachable again, and a later failure is told again.
    """
    if not unreachable or member.unreachable:
        return Decision(None)
    t = Texts.of(table.partnership)
    changed = table.with_member(replace(member, unreachable=True))
    message = Message(t.sections("coordinator_unreachable", name=member.name))
    return Decision(changed, (PostToChannel(table.partnership.channel_id, message),))

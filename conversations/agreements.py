"""Agreements after the reveal: what one partner will bring, proposed by anyone, confirmed by
the partner who gives it, listed in the channel, edited or closed by a coordinator.

`agree @giver <text>` proposes; `confirm <n>` (the giver only) confirms; `agreements` lists;
`agreements edit <n> <text>` and `agreements close <n>` are for coordinators. An edited
agreement waits for the giver's confirmation again: it is no longer what they said yes to.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from conversations import payloads
from conversations.context import Context
from conversations.decision import Decision
from conversations.effects import PostToChannel, SendPrivate
from conversations.events import ChannelCommand
from conversations.interview import MAX_TEXT
from conversations.messages import Button, Message
from conversations.model import Agreement, AgreementStatus, Table
from conversations.replies import notice
from conversations.texts import Texts


@dataclass(frozen=True)
class AgreementView:
    """An agreement with names instead of user ids, as the channel and the export show it.

    Agreements are made openly, after the reveal, by the people themselves: they always
    carry names, also in an anonymous partnership.
    """

    number: int
    text: str
    giver: str
    giver_id: str
    receivers: tuple[str, ...]
    proposer: str
    status: str
    parties: tuple[str, ...]  # user ids of the giver and the receivers


def agreement_views(table: Table) -> list[AgreementView]:
    def name(user_id: str) -> str:
        member = table.member(user_id)
        return member.name if member else user_id

    return [
        AgreementView(a.number, a.text, name(a.giver), a.giver,
                      tuple(name(r) for r in a.receivers), name(a.proposer), str(a.status),
                      (a.giver, *a.receivers))
        for a in table.agreements
    ]


def view_of(table: Table, number: int) -> AgreementView:
    return next(v for v in agreement_views(table) if v.number == number)


def agreement_sections(table: Table, t: Texts) -> tuple[str, ...]:
    return t.sections("agreements_list", agreements=agreement_views(table))


def _post(table: Table, t: Texts, key: str, **values: object) -> PostToChannel:
    return PostToChannel(table.partnership.channel_id, Message(t.sections(key, **values)))


def _text(cmd: ChannelCommand, t: Texts, words: tuple[str, ...]) -> str | Decision:
    text = " ".join(words).strip()
    if len(text) > MAX_TEXT:
        return notice(cmd, t, "too_long", limit=MAX_TEXT, length=len(text))
    return text


def agree(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    """`agree @giver [@receiver …] <text>`: anyone in the partnership proposes what a
    partner will bring, and to whom.

    Without a receiver named, a partner who proposes what another brings is the receiver;
    otherwise the agreement is for the partnership as a whole.
    """
    if table.member(cmd.actor.user_id) is None:
        return notice(cmd, t, "agree_members_only")
    named = [table.member(p.user_id) for p in cmd.people]
    text = _text(cmd, t, cmd.args)
    if isinstance(text, Decision):
        return text
    if not named or not text or any(m is None or not m.is_partner for m in named):
        return notice(cmd, t, "agree_usage")
    giver = named[0]
    receivers = tuple(dict.fromkeys(m.user_id for m in named[1:] if m is not giver))
    proposer = table.member(cmd.actor.user_id)
    if not receivers and proposer.is_partner and proposer is not giver:
        receivers = (proposer.user_id,)
    return propose(table, t, ctx, giver.user_id, receivers, text, cmd.actor.user_id)


def propose(table: Table, t: Texts, ctx: Context, giver: str, receivers: tuple[str, ...],
            text: str, proposer: str, category: str | None = None) -> Decision:
    """A new agreement waiting for the giver's yes: the channel sees it, the giver is asked
    privately with a button (typing `confirm <n>` works as well)."""
    number = max((a.number for a in table.agreements), default=0) + 1
    agreement = Agreement(number, text, giver, proposer, AgreementStatus.PROPOSED, ctx.now,
                          receivers=receivers, category=category)
    changed = table.with_agreement(agreement)
    view = view_of(changed, number)
    return Decision(changed, (_post(changed, t, "agreement_proposed", a=view,
                                    from_match=category is not None),
                              ask_giver(changed, t, agreement)))


def ask_giver(table: Table, t: Texts, agreement: Agreement) -> SendPrivate:
    """The giver's private question, with the button that says yes to exactly this text."""
    button = Button(t.label("button_confirm_agreement"),
                    payloads.confirm(table.partnership.id or 0, agreement.number, agreement.text),
                    primary=True)
    sections = t.sections("agreement_ask_giver", a=view_of(table, agreement.number),
                          partnership=table.partnership.name)
    return SendPrivate(agreement.giver, Message(sections, ((button,),)))


def confirmed(table: Table, t: Texts, agreement: Agreement, ctx: Context) -> Decision:
    """The giver said yes: the channel hears that the agreement stands."""
    changed = table.with_agreement(
        replace(agreement, status=AgreementStatus.CONFIRMED, confirmed_at=ctx.now))
    view = view_of(changed, agreement.number)
    return Decision(changed, (_post(changed, t, "agreement_confirmed", a=view),))


def _number(args: tuple[str, ...]) -> int | None:
    return int(args[0]) if args and args[0].isdigit() else None


def confirm(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    """`confirm <n>`: the partner who gives it says yes."""
    number = _number(cmd.args)
    agreement = table.agreement(number) if number is not None else None
    if agreement is None:
        return notice(cmd, t, "agreement_unknown", number=cmd.args[0] if cmd.args else "")
    if agreement.giver != cmd.actor.user_id:
        giver = table.member(agreement.giver)
        return notice(cmd, t, "agreement_giver_only", number=number,
                      giver=giver.name if giver else "")
    if agreement.status is not AgreementStatus.PROPOSED:
        return notice(cmd, t, "agreement_not_open", number=number, status=str(agreement.status))
    return confirmed(table, t, agreement, ctx)


# `agreements edit|close`, also in Dutch (`afspraken wijzig|sluit`).
ACTIONS = {"edit": "edit", "close": "close", "wijzig": "edit", "sluit": "close"}


def agreements(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    """`agreements` lists them in the channel; `edit` and `close` are for coordinators."""
    action = ACTIONS.get(cmd.args[0].lower(), "") if cmd.args else ""
    if not action:
        return Decision(None, (PostToChannel(table.partnership.channel_id,
                                             Message(agreement_sections(table, t))),))
    member = table.member(cmd.actor.user_id)
    if member is None or not member.is_coordinator:
        names = [m.name for m in table.coordinators]
        return notice(cmd, t, "coordinators_only", command=f"agreements {action}",
                      coordinators=names)
    number = _number(cmd.args[1:])
    agreement = table.agreement(number) if number is not None else None
    if agreement is None:
        return notice(cmd, t, "agreement_unknown", number=" ".join(cmd.args[1:2]))
    if action == "close":
        changed = table.with_agreement(
            replace(agreement, status=AgreementStatus.CLOSED, closed_at=ctx.now))
        return Decision(changed, (_post(changed, t, "agreement_closed",
                                        a=view_of(changed, number)),))
    text = _text(cmd, t, cmd.args[2:])
    if isinstance(text, Decision):
        return text
    if not text:
        return notice(cmd, t, "agree_usage")
    # What the giver said yes to has changed: they are asked again.
    edited = replace(agreement, text=text, status=AgreementStatus.PROPOSED, confirmed_at=None)
    changed = table.with_agreement(edited)
    return Decision(changed, (_post(changed, t, "agreement_edited", a=view_of(changed, number)),
                              ask_giver(changed, t, edited)))

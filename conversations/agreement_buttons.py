"""Agreement buttons: "propose this" under who-can-help-whom, and the giver's private "yes".

A proposal from a match names the giver and the partners who want it, with the category as
its text (a coordinator can make it concrete with `agreements edit`). The pressed message
is shown again without that button. The giver's "yes" counts only for the text they were
shown: after an edit they get a new question.
"""

from __future__ import annotations

from conversations import payloads
from conversations.agreements import ask_giver, confirmed, propose
from conversations.context import Context
from conversations.decision import Decision
from conversations.effects import EditMessage, Effect, SendPrivate
from conversations.events import ButtonPress
from conversations.helping import exchanges, helping_message
from conversations.messages import Message
from conversations.model import AgreementStatus, RoundKind, RoundStatus, Table
from conversations.replies import say
from conversations.reveal import aggregate
from conversations.texts import Texts


def agreement_press(table: Table, ev: ButtonPress, ctx: Context) -> Decision:
    press = payloads.decode_agreement(ev.payload)
    t = Texts.of(table.partnership)
    if isinstance(press, payloads.ProposePress):
        return _propose(table, ev, press, t, ctx)
    if isinstance(press, payloads.ConfirmPress):
        return _confirm(table, ev, press, t, ctx)
    return say(ev.actor.user_id, t, "stale_button_unknown")


def _propose(table: Table, ev: ButtonPress, press: payloads.ProposePress, t: Texts,
             ctx: Context) -> Decision:
    proposer = table.member(ev.actor.user_id)
    if proposer is None:
        return say(ev.actor.user_id, t, "agree_members_only")
    rnd = table.latest(RoundKind.INTERESTS)
    if rnd is None or rnd.number != press.round_number or rnd.status is not RoundStatus.REVEALED:
        return say(ev.actor.user_id, t, "agreement_match_gone")
    reveal = aggregate(table, rnd, t.label("anonymous_partner"))
    ids = {c.label: c.user_id for c in reveal.cards}
    exchange = next((e for e in exchanges(reveal) if e.category == press.category
                     and ids[e.giver] == press.giver), None)
    if exchange is None or table.partnership.anonymous:
        return say(ev.actor.user_id, t, "agreement_match_gone")
    existing = next((a for a in table.agreements if a.category == press.category
                     and a.giver == press.giver and a.status is not AgreementStatus.CLOSED), None)
    if existing is not None:
        return say(ev.actor.user_id, t, "agreement_already_proposed", number=existing.number)
    receivers = tuple(ids[r] for r in exchange.receivers if ids[r])
    text = t.label("category_in_text", c=press.category, cat=t.category_labels())
    decision = propose(table, t, ctx, press.giver, receivers, text, proposer.user_id,
                       category=press.category)
    effects: list[Effect] = list(decision.effects)
    if ev.origin is not None:  # the button that was used goes away
        shown = helping_message(decision.table, rnd, reveal, t)
        if shown is not None:
            effects.insert(0, EditMessage(ev.origin, shown))
    return Decision(decision.table, tuple(effects))


def _confirm(table: Table, ev: ButtonPress, press: payloads.ConfirmPress, t: Texts,
             ctx: Context) -> Decision:
    agreement = table.agreement(press.number)
    if agreement is None:
        return say(ev.actor.user_id, t, "agreement_unknown", number=press.number)
    if agreement.giver != ev.actor.user_id:
        giver = table.member(agreement.giver)
        return say(ev.actor.user_id, t, "agreement_giver_only", number=agreement.number,
                    giver=giver.name if giver else "")
    if payloads.sign(agreement.text) != press.sign:
        return say(ev.actor.user_id, t, "agreement_changed_since", number=agreement.number)
    if agreement.status is not AgreementStatus.PROPOSED:
        return say(ev.actor.user_id, t, "agreement_not_open", number=agreement.number,
                    status=str(agreement.status))
    decision = confirmed(table, t, agreement, ctx)
    done = t.sections("agreement_confirmed_private", number=agreement.number)
    asked = ask_giver(table, t, agreement).message.sections
    reply: Effect = (EditMessage(ev.origin, Message((*asked, *done))) if ev.origin is not None
                     else SendPrivate(ev.actor.user_id, Message(done)))
    return Decision(decision.table, (reply, *decision.effects))

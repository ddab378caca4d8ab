"""Who can help whom: after the reveal, per partner what they can get and from whom, and to
whom they bring — with a button per exchange that turns it into a proposed agreement.

Posted as its own short message after the reveal, so the reveal stays readable and the
channel sees one picture to talk about. In an anonymous partnership the view uses the
reveal's labels and has no buttons: an agreement carries names, and proposing one from an
anonymous match would tell who wanted what.
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations import categories, payloads
from conversations.messages import Button, Message
from conversations.model import Agreement, AgreementStatus, Round, Table
from conversations.reveal import Reveal
from conversations.texts import Texts

# Telegram shows at most 100 inline buttons and Slack 50 blocks: more exchanges than this
# are named in the text, to be agreed with the `agree` command.
MAX_BUTTONS = 24
ROW = 2


@dataclass(frozen=True)
class Exchange:
    """One partner can bring what others want: a possible agreement."""

    category: str
    giver: str  # label
    receivers: tuple[str, ...]  # labels


@dataclass(frozen=True)
class PartnerView:
    who: str
    gets: tuple[tuple[str, tuple[str, ...]], ...]  # (category, from whom)
    brings: tuple[tuple[str, tuple[str, ...]], ...]  # (category, to whom)
    together: tuple[str, ...]  # what they gain from the collaboration as a whole


def exchanges(reveal: Reveal) -> tuple[Exchange, ...]:
    """Every (giver, category) of the matches, the most wanted first."""
    found = [
        Exchange(m.category, giver, tuple(w for w in m.wanted_by if w != giver))
        for m in reveal.matches
        for giver in m.brought_by
    ]
    return tuple(sorted((e for e in found if e.receivers), key=lambda e: -len(e.receivers)))


def partner_views(reveal: Reveal) -> tuple[PartnerView, ...]:
    found = exchanges(reveal)
    views = []
    for card in reveal.cards:
        me = card.label
        gets: dict[str, list[str]] = {}
        for e in found:
            if me in e.receivers:
                gets.setdefault(e.category, []).append(e.giver)
        views.append(PartnerView(
            me,
            gets=tuple((c, tuple(gets[c])) for c in categories.SHARED if c in gets),
            brings=tuple((e.category, e.receivers) for e in found if e.giver == me),
            together=tuple(c for c in categories.COLLECTIVE if c in card.answers.gets),
        ))
    return tuple(views)


def helping_message(table: Table, rnd: Round, reveal: Reveal, t: Texts) -> Message | None:
    """The per-partner view with a button per exchange not proposed yet; None: nothing to show."""
    if not reveal.matches:
        return None
    cat = t.category_labels()
    views = partner_views(reveal)
    ids = {c.label: c.user_id for c in reveal.cards}
    open_ones = [] if table.partnership.anonymous else [
        e for e in exchanges(reveal) if not _proposed(table, e, ids)]
    shown, rest = open_ones[:MAX_BUTTONS], open_ones[MAX_BUTTONS:]
    buttons = [
        Button(t.label("button_propose", giver=e.giver, receivers=e.receivers,
                       category=cat[e.category]),
               payloads.propose(table.partnership.id or 0, rnd.number, e.category,
                                ids[e.giver] or ""))
        for e in shown
    ]
    sections = t.sections("helping", views=views, cat=cat, buttons=bool(buttons),
                          anonymous=table.partnership.anonymous, rest=rest)
    rows = tuple(tuple(buttons[i : i + ROW]) for i in range(0, len(buttons), ROW))
    return Message(sections, rows)


def _proposed(table: Table, e: Exchange, ids: dict[str, str | None]) -> bool:
    """Proposed from this match already (and not closed)."""
    return any(_from_match(a) == (e.category, ids[e.giver]) for a in table.agreements
               if a.status is not AgreementStatus.CLOSED)


def _from_match(a: Agreement) -> tuple[str, str] | None:
    return (a.category, a.giver) if a.category else None

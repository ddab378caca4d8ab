"""Aggregation: from sealed interviews to what the reveal puts on the table.

Pure data; `conversations.reveal_message` turns it into words.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from conversations import categories
from conversations.model import Answers, Interview, Round, Table


@dataclass(frozen=True)
class Card:
    """One partner's answers; `user_id` is None in anonymous mode."""

    label: str
    user_id: str | None
    answers: Answers


@dataclass(frozen=True)
class Match:
    category: str
    wanted_by: tuple[str, ...]
    brought_by: tuple[str, ...]


@dataclass(frozen=True)
class Gap:
    """An open need (wanted, nobody else brings it) or an unused offer (the reverse)."""

    category: str
    who: tuple[str, ...]


@dataclass(frozen=True)
class Reveal:
    round_number: int
    answered: int
    invited: int
    missing: tuple[str, ...]  # labels of partners who did not answer (reveal force)
    cards: tuple[Card, ...]
    matches: tuple[Match, ...]
    open_needs: tuple[Gap, ...]
    unused_offers: tuple[Gap, ...]
    autonomy: tuple[str, ...]  # who is willing to give up some of their own freedom
    brings_more: tuple[str, ...]  # balance warnings
    ambition_doubts: tuple[str, ...]  # answered "partly" or "no" to the ambition
    questions: tuple[tuple[str, dict], ...]  # discussion question keys with their values


def anonymous_order(rnd: Round, interviews: list[Interview]) -> list[Interview]:
    """A shuffle nobody can predict from the member list, yet the same on every render."""

    def key(i: Interview) -> str:
        return hashlib.sha256(f"{rnd.token}:{i.user_id}".encode()).hexdigest()

    return sorted(interviews, key=key)


def aggregate(table: Table, rnd: Round, anonymous_label: str = "Partner {}") -> Reveal:
    """Everything the reveal shows, from the sealed interviews of current partners."""
    partners = {m.user_id: m for m in table.partners}
    invited = [i for i in table.interviews_of(rnd) if i.user_id in partners]
    sealed = [i for i in invited if i.sealed]
    anonymous = table.partnership.anonymous
    if anonymous:
        ordered = anonymous_order(rnd, sealed)
        labels = {i.user_id: anonymous_label.format(chr(ord("A") + n)) for n, i in
                  enumerate(ordered)}
    else:
        order = list(partners)
        ordered = sorted(sealed, key=lambda i: order.index(i.user_id))
        labels = {i.user_id: partners[i.user_id].name for i in ordered}
    cards = tuple(
        Card(labels[i.user_id], None if anonymous else i.user_id, _shown(i.answers, anonymous))
        for i in ordered
    )
    matches, open_needs, unused = _compare(cards)
    autonomy = tuple(c.label for c in cards if categories.AUTONOMY in c.answers.gives)
    brings_more = tuple(
        c.label for c in cards if c.answers.balance in categories.BRINGS_MORE
    )
    doubts = tuple(c.label for c in cards if c.answers.ambition in ("partly", "no"))
    reveal = Reveal(
        round_number=rnd.number,
        answered=len(sealed),
        invited=len(invited),
        missing=tuple(partners[i.user_id].name for i in invited if not i.sealed),
        cards=cards,
        matches=matches,
        open_needs=open_needs,
        unused_offers=unused,
        autonomy=autonomy,
        brings_more=brings_more,
        ambition_doubts=doubts,
        questions=(),
    )
    return _with_questions(reveal)


def _shown(answers: Answers, anonymous: bool) -> Answers:
    """In anonymous mode the organisation would give the partner away: leave it out."""
    if anonymous:
        return replace(answers, organisation=None)
    return answers


def _compare(cards: tuple[Card, ...]) -> tuple[tuple, tuple, tuple]:
    matches: list[Match] = []
    open_needs: list[Gap] = []
    unused: list[Gap] = []
    for category in categories.SHARED:
        wanting = [c.label for c in cards if category in c.answers.gets]
        bringing = [c.label for c in cards if category in c.answers.gives]
        # A need is met only by someone else: bringing what you want yourself is no match.
        met = [w for w in wanting if any(b != w for b in bringing)]
        useful = [b for b in bringing if any(w != b for w in wanting)]
        if met:
            matches.append(Match(category, tuple(met), tuple(useful)))
        unmet = [w for w in wanting if w not in met]
        if unmet:
            open_needs.append(Gap(category, tuple(unmet)))
        idle = [b for b in bringing if b not in useful]
        if idle:
            unused.append(Gap(category, tuple(idle)))
    return tuple(matches), tuple(open_needs), tuple(unused)


def _with_questions(reveal: Reveal) -> Reveal:
    """Three or four questions that follow from what was found, most pressing first."""
    questions: list[tuple[str, dict]] = []
    if reveal.brings_more:
        questions.append(("question_balance", {"who": reveal.brings_more}))
    if reveal.open_needs:
        gap = reveal.open_needs[0]
        questions.append(("question_open_need", {"category": gap.category, "who": gap.who}))
    if reveal.matches:
        m = reveal.matches[0]
        questions.append(
            ("question_match", {"category": m.category, "wanted_by": m.wanted_by,
                                "brought_by": m.brought_by})
        )
    if reveal.unused_offers:
        gap = reveal.unused_offers[0]
        questions.append(("question_unused", {"category": gap.category, "who": gap.who}))
    if reveal.ambition_doubts:
        questions.append(("question_ambition", {"who": reveal.ambition_doubts}))
    if reveal.autonomy:
        questions.append(("question_autonomy", {"who": reveal.autonomy}))
    for fallback in ("question_surprise", "question_expectations", "question_stakeholders"):
        if len(questions) >= 3:
            break
        questions.append((fallback, {}))
    return replace(reveal, questions=tuple(questions[:4]))

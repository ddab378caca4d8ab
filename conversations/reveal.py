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
class Other:
    """"Something else" wanted or brought: only the typed line says what, so it is talked about."""

    who: str
    wants: str | None  # the line typed beside "get", or "" when none was typed
    brings: str | None


@dataclass(frozen=True)
class AutonomyGiven:
    """A partner gives up some autonomy; `gains` is what they get back (categories)."""

    who: str
    gains: tuple[str, ...]


@dataclass(frozen=True)
class AmbitionAnswer:
    who: str
    answer: str  # yes / partly / no
    note: str | None


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
    autonomy: tuple[AutonomyGiven, ...]
    brings_more: tuple[str, ...]  # balance warnings, the biggest imbalance first
    ambition_doubts: tuple[str, ...]  # answered "partly" or "no" to the ambition
    questions: tuple[tuple[str, dict], ...]  # discussion question keys with their values
    ambition: str | None = None
    ambition_answers: tuple[AmbitionAnswer, ...] = ()
    common_ground: tuple[Gap, ...] = ()  # what several partners want alike
    others: tuple[Other, ...] = ()
    brings_nothing: tuple[str, ...] = ()
    gets_nothing: tuple[str, ...] = ()


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
    gains = {c.label: _gains(c, matches) for c in cards}
    autonomy = tuple(AutonomyGiven(c.label, gains[c.label]) for c in cards
                     if categories.AUTONOMY in c.answers.gives)
    heavy = sorted((c for c in cards if c.answers.balance in categories.BRINGS_MORE),
                   key=lambda c: -(c.answers.balance or 0))
    doubts = tuple(c.label for c in cards if c.answers.ambition in ("partly", "no"))
    reveal = Reveal(
        round_number=rnd.ordinal,
        answered=len(sealed),
        invited=len(invited),
        missing=tuple(partners[i.user_id].name for i in invited if not i.sealed),
        cards=cards,
        matches=matches,
        open_needs=open_needs,
        unused_offers=unused,
        autonomy=autonomy,
        brings_more=tuple(c.label for c in heavy),
        ambition_doubts=doubts,
        questions=(),
        ambition=rnd.ambition,
        ambition_answers=tuple(
            AmbitionAnswer(c.label, c.answers.ambition, c.answers.ambition_note)
            for c in cards if c.answers.ambition
        ),
        common_ground=_common_ground(cards),
        others=tuple(_other(c) for c in cards if categories.OTHER in
                     c.answers.gets | c.answers.gives),
        brings_nothing=tuple(c.label for c in cards if not c.answers.gives),
        gets_nothing=tuple(c.label for c in cards if not gains[c.label]),
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
        if category == categories.OTHER or category in categories.COLLECTIVE:
            continue  # no exchange: listed with their text / as common ground instead
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


def _gains(card: Card, matches: tuple[Match, ...]) -> tuple[str, ...]:
    """What a partner can get: wants another partner brings, and what all gain together."""
    return tuple(
        c for c in categories.SHARED
        if c in card.answers.gets and (
            c in categories.COLLECTIVE
            or any(m.category == c and card.label in m.wanted_by for m in matches))
    )


def _common_ground(cards: tuple[Card, ...]) -> tuple[Gap, ...]:
    """Wants shared by two or more partners, the most shared first."""
    shared = [
        Gap(c, tuple(card.label for card in cards if c in card.answers.gets))
        for c in categories.SHARED if c != categories.OTHER
    ]
    return tuple(sorted((g for g in shared if len(g.who) > 1), key=lambda g: -len(g.who)))


def _other(card: Card) -> Other:
    a = card.answers
    return Other(
        card.label,
        (a.get_note or "") if categories.OTHER in a.gets else None,
        (a.give_note or "") if categories.OTHER in a.gives else None,
    )


def _with_questions(reveal: Reveal) -> Reveal:
    """Every question the findings call for, the most significant first; none is cut.

    Significance: who may leave (gets nothing, brings much more), doubts about the ambition,
    then the needs and offers that involve the most partners. The method's own questions —
    what we expect of each other, and how our own people keep valuing it — always close.
    """
    found: list[tuple[int, str, dict]] = []
    if reveal.gets_nothing:
        found.append((90, "question_gets_nothing", {"who": reveal.gets_nothing}))
    if reveal.brings_more:
        worst = max(c.answers.balance or 0 for c in reveal.cards if c.label in reveal.brings_more)
        found.append((40 + 10 * worst, "question_balance", {"who": reveal.brings_more}))
    if reveal.ambition_doubts:
        no = sum(1 for a in reveal.ambition_answers if a.answer == "no")
        found.append((60 + 10 * no, "question_ambition", {"who": reveal.ambition_doubts}))
    if reveal.brings_nothing:
        found.append((55, "question_brings_nothing", {"who": reveal.brings_nothing}))
    if reveal.open_needs:
        gap = max(reveal.open_needs, key=lambda g: len(g.who))
        found.append((30 + 5 * len(gap.who), "question_open_need",
                      {"category": gap.category, "who": gap.who}))
    for o in reveal.others:  # in their own words: each typed line gets its own question
        if o.wants:
            found.append((30, "question_other_wants", {"who": o.who, "text": o.wants}))
        if o.brings:
            found.append((30, "question_other_brings", {"who": o.who, "text": o.brings}))
    untold = tuple(o.who for o in reveal.others if o.wants == "" or o.brings == "")
    if untold:
        found.append((30, "question_other", {"who": untold}))
    if reveal.autonomy:
        found.append((25, "question_autonomy", {"who": tuple(a.who for a in reveal.autonomy)}))
    if reveal.matches:
        m = max(reveal.matches, key=lambda m: len(m.wanted_by) + len(m.brought_by))
        found.append((20, "question_match", {"category": m.category, "wanted_by": m.wanted_by,
                                             "brought_by": m.brought_by}))
    matched = {m.category for m in reveal.matches}
    unasked = [g for g in reveal.common_ground if g.category not in matched]
    if unasked:  # a shared want someone brings is asked about as a match already
        g = unasked[0]
        found.append((15, "question_common_ground", {"category": g.category, "who": g.who}))
    if reveal.unused_offers:
        gap = max(reveal.unused_offers, key=lambda g: len(g.who))
        found.append((10, "question_unused", {"category": gap.category, "who": gap.who}))
    found.sort(key=lambda q: -q[0])  # stable: equal weights keep the order above
    questions = [(key, values) for _, key, values in found]
    if not questions:
        questions.append(("question_surprise", {}))
    questions += [("question_expectations", {}), ("question_stakeholders", {})]
    return replace(reveal, questions=tuple(questions))

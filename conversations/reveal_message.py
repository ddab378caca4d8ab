"""The reveal as a neutral message: the discussion prompt for the shared channel."""

from __future__ import annotations

from conversations.messages import Message
from conversations.prompts import answer_view
from conversations.reveal import Reveal
from conversations.texts import Texts


def reveal_message(t: Texts, partnership_name: str, reveal: Reveal) -> Message:
    """One section per part, so a platform can split between them and never inside."""
    cat = t.category_labels()
    sections: list[str] = [
        *t.sections("reveal_header", name=partnership_name, r=reveal),
    ]
    for card in reveal.cards:
        sections.extend(t.sections("reveal_card", card=card, a=answer_view(t, card.answers)))
    if reveal.common_ground:
        sections.extend(t.sections("reveal_common_ground", gaps=reveal.common_ground, cat=cat))
    if reveal.matches:
        sections.extend(t.sections("reveal_matches", matches=reveal.matches, cat=cat))
    if reveal.others:
        sections.extend(t.sections("reveal_others", others=reveal.others))
    if reveal.open_needs:
        sections.extend(t.sections("reveal_open_needs", gaps=reveal.open_needs, cat=cat))
    if reveal.unused_offers:
        sections.extend(t.sections("reveal_unused", gaps=reveal.unused_offers, cat=cat))
    if reveal.autonomy:
        sections.extend(t.sections("reveal_autonomy", given=reveal.autonomy, cat=cat))
    if reveal.brings_nothing or reveal.gets_nothing:
        sections.extend(t.sections("reveal_flags", brings_nothing=reveal.brings_nothing,
                                   gets_nothing=reveal.gets_nothing))
    if reveal.brings_more:
        sections.extend(t.sections("reveal_balance", who=reveal.brings_more))
    sections.extend(t.sections("reveal_ambition", ambition=reveal.ambition,
                               answers=reveal.ambition_answers))
    questions = [t.markup(key, cat=cat, **values) for key, values in reveal.questions]
    sections.extend(t.sections("reveal_questions", questions=questions))
    return Message(tuple(sections))

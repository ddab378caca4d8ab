"""The reveal as a neutral message: the discussion prompt for the shared channel."""

from __future__ import annotations

from conversations import categories
from conversations.messages import Message
from conversations.prompts import answer_view
from conversations.reveal import Reveal
from conversations.texts import Texts


def reveal_message(t: Texts, partnership_name: str, reveal: Reveal) -> Message:
    """One section per part, so a platform can split between them and never inside."""
    cat = {c: t.label(f"category_{c}") for c in categories.GIVE}
    sections: list[str] = [
        *t.sections("reveal_header", name=partnership_name, r=reveal),
    ]
    for card in reveal.cards:
        sections.extend(t.sections("reveal_card", card=card, a=answer_view(t, card.answers)))
    if reveal.matches:
        sections.extend(t.sections("reveal_matches", matches=reveal.matches, cat=cat))
    if reveal.open_needs:
        sections.extend(t.sections("reveal_open_needs", gaps=reveal.open_needs, cat=cat))
    if reveal.unused_offers:
        sections.extend(t.sections("reveal_unused", gaps=reveal.unused_offers, cat=cat))
    if reveal.brings_more:
        sections.extend(t.sections("reveal_balance", who=reveal.brings_more))
    questions = [t.markup(key, cat=cat, **values) for key, values in reveal.questions]
    sections.extend(t.sections("reveal_questions", questions=questions))
    return Message(tuple(sections))

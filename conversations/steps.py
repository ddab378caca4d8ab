"""The interview's transition table: what each step asks and what it accepts.

Docs and tests read this table; `conversations.interview` is the only code that walks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from conversations import categories
from conversations.model import Step


class Kind(Enum):
    START = "start"  # welcome: start or later
    TEXT = "text"  # free text; a button to skip
    MULTI = "multi"  # toggle categories, add a line of text, then "next"
    SCALE = "scale"  # one button press answers and moves on
    CHOICE_NOTE = "choice_note"  # choose, add a line of text, then "next"
    REVIEW = "review"  # all answers, change any step, seal


@dataclass(frozen=True)
class StepSpec:
    kind: Kind
    field: str | None = None  # the Answers field this step fills
    note_field: str | None = None  # the free-text field beside a choice
    options: tuple = ()
    required: bool = False


TABLE: dict[Step, StepSpec] = {
    Step.WELCOME: StepSpec(Kind.START),
    Step.ORGANISATION: StepSpec(Kind.TEXT, "organisation", required=True),
    Step.ORG_INTEREST: StepSpec(Kind.TEXT, "org_interest"),
    Step.OWN_INTEREST: StepSpec(Kind.TEXT, "own_interest"),
    Step.GET: StepSpec(Kind.MULTI, "gets", "get_note", categories.GET),
    Step.GIVE: StepSpec(Kind.MULTI, "gives", "give_note", categories.GIVE),
    Step.BALANCE: StepSpec(Kind.SCALE, "balance", options=categories.BALANCE),
    Step.AMBITION: StepSpec(Kind.CHOICE_NOTE, "ambition", "ambition_note", categories.AMBITION),
    Step.EXPECTATIONS: StepSpec(Kind.TEXT, "expectations"),
    Step.STAKEHOLDERS: StepSpec(Kind.TEXT, "stakeholders"),
    Step.REVIEW: StepSpec(Kind.REVIEW),
}

# The steps a partner can jump back to from the review.
EDITABLE = tuple(s for s in Step if s not in (Step.WELCOME, Step.REVIEW))
LAST_QUESTION = Step.STAKEHOLDERS


def spec(step: Step) -> StepSpec:
    return TABLE[step]


@dataclass(frozen=True)
class Flow:
    """One interview's transition table and how it moves: interests, or a check-in."""

    table: dict[Step, StepSpec]
    last_question: Step
    review: Step
    editable: tuple[Step, ...]

    def spec(self, step: Step) -> StepSpec:
        return self.table[step]

    def after(self, step: Step) -> Step:
        return self.review if step == self.last_question else Step(step + 1)


INTERESTS = Flow(TABLE, LAST_QUESTION, Step.REVIEW, EDITABLE)

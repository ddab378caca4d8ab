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
    VERDICTS = "verdicts"  # one choice per item (an agreement), a line of text, then "next"
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


@dataclass(frozen=True)
class Flow:
    """One interview's transition table and the order it is asked in: interests or a check-in.

    `order` lists the steps as asked, the review last. Step values identify a step (they
    are stored); `position` is the number a person sees ("2/5"), which can differ where a
    flow leaves a step out or adds one later.
    """

    table: dict[Step, StepSpec]
    order: tuple[Step, ...]

    def spec(self, step: Step) -> StepSpec:
        return self.table[step]

    @property
    def first(self) -> Step:
        return self.order[0]

    @property
    def review(self) -> Step:
        return self.order[-1]

    @property
    def editable(self) -> tuple[Step, ...]:
        """The steps a partner can jump back to from the review."""
        return tuple(s for s in self.order if self.table[s].kind not in (Kind.START, Kind.REVIEW))

    def after(self, step: Step) -> Step:
        if step not in self.order or step == self.review:
            return self.review
        return self.order[self.order.index(step) + 1]

    def position(self, step: Step) -> int:
        """1 for the first step asked; a step outside this flow counts as the review."""
        return self.order.index(step if step in self.order else self.review) + 1


INTERESTS = Flow(TABLE, tuple(Step))
EDITABLE = INTERESTS.editable


def spec(step: Step) -> StepSpec:
    return TABLE[step]

"""The interview state machine: one partner's answer in, the next interview state out.

Bad input (too long, empty where required, an unknown option) is *expected*: the state
stays the same and `Outcome.feedback` names the text that explains it. Asking this machine
to act on a step its table does not know is a bug and raises `IllegalTransition`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from conversations.errors import IllegalTransition
from conversations.model import Interview, Step
from conversations.steps import INTERESTS, Flow, Kind

MAX_TEXT = 2000


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Pressed:
    value: str


Input = Text | Pressed


@dataclass(frozen=True)
class Outcome:
    """The new interview, a feedback text key (with values) and whether to ask again."""

    interview: Interview
    feedback: str | None = None
    values: dict = field(default_factory=dict)
    ask: bool = True  # send the (new) current step's question
    update_pressed: bool = False  # the pressed message should show the new state


def _stay(interview: Interview, feedback: str, **values: object) -> Outcome:
    return Outcome(interview, feedback, dict(values))


def _advance(interview: Interview, answers_changed: Interview, flow: Flow) -> Outcome:
    """Move on: to the next step, or back to the review when editing from it."""
    nxt = flow.review if interview.editing else flow.after(interview.step)
    return Outcome(replace(answers_changed, step=nxt, editing=False))


def _set(interview: Interview, **answers: object) -> Interview:
    return replace(interview, answers=replace(interview.answers, **answers))


def _clean_text(text: str) -> str:
    return text.strip()


def apply(interview: Interview, given: Input, now: datetime, remembered: str | None,
          flow: Flow = INTERESTS) -> Outcome:
    """Apply one input to the interview at its current step of `flow`.

    `remembered` is the organisation from an earlier round, offered with a "keep" button.
    """
    step_spec = flow.spec(interview.step)
    if isinstance(given, Text):
        text = _clean_text(given.text)
        if len(text) > MAX_TEXT:
            return _stay(interview, "too_long", limit=MAX_TEXT, length=len(text))
    if isinstance(given, Pressed) and given.value == "review" and interview.editing:
        return Outcome(replace(interview, step=flow.review, editing=False))

    match step_spec.kind:
        case Kind.START:
            return _start(interview, given)
        case Kind.TEXT:
            return _text_step(interview, given, remembered, flow)
        case Kind.MULTI | Kind.CHOICE_NOTE:
            return _choose_with_note(interview, given, flow)
        case Kind.SCALE:
            return _scale_step(interview, given, flow)
        case Kind.VERDICTS:
            return _verdicts(interview, given, flow)
        case Kind.REVIEW:
            return _review(interview, given, now, flow)
    raise IllegalTransition(f"no handler for step {interview.step!r}")


def _start(interview: Interview, given: Input) -> Outcome:
    if given == Pressed("start"):
        return Outcome(replace(interview, step=Step.ORGANISATION))
    if given == Pressed("later"):
        return Outcome(interview, "later", ask=False)
    return _stay(interview, "press_start")


def _text_step(interview: Interview, given: Input, remembered: str | None,
               flow: Flow) -> Outcome:
    step_spec = flow.spec(interview.step)
    if isinstance(given, Text):
        text = _clean_text(given.text)
        if not text:
            return _stay(interview, "empty_text")
        return _advance(interview, _set(interview, **{step_spec.field: text}), flow)
    if given.value == "keep" and interview.step is Step.ORGANISATION and remembered:
        return _advance(interview, _set(interview, organisation=remembered), flow)
    if given.value == "skip" and not step_spec.required:
        return _advance(interview, _set(interview, **{step_spec.field: None}), flow)
    if step_spec.required and given.value == "skip":
        return _stay(interview, "required")
    return _stay(interview, "unknown_choice")


def _choose_with_note(interview: Interview, given: Input, flow: Flow) -> Outcome:
    """Multi-select (`t:` toggles) or one choice (`c:`), a line of text, then "next".

    Choosing updates the pressed message in place; typed text is the note beside it.
    """
    step_spec = flow.spec(interview.step)
    multi = step_spec.kind is Kind.MULTI
    if isinstance(given, Text):
        text = _clean_text(given.text)
        if not text:
            return _stay(interview, "empty_text")
        changed = _set(interview, **{step_spec.note_field: text})
        return Outcome(changed, "noted_choose")
    value = given.value
    prefix, _, option = value.partition(":")
    if prefix == ("t" if multi else "c") and option in step_spec.options:
        if multi:
            chosen: frozenset[str] = getattr(interview.answers, step_spec.field)
            option = chosen - {option} if option in chosen else chosen | {option}
        changed = _set(interview, **{step_spec.field: option})
        return Outcome(changed, ask=False, update_pressed=True)
    if value == "next":
        if not getattr(interview.answers, step_spec.field):  # skipping is its own button
            return _stay(interview, "choose_first")
        return _advance(interview, interview, flow)
    if value == "skip":
        empty = frozenset() if multi else None
        cleared = _set(interview, **{step_spec.field: empty, step_spec.note_field: None})
        return _advance(interview, cleared, flow)
    return _stay(interview, "unknown_choice")


def _verdicts(interview: Interview, given: Input, flow: Flow) -> Outcome:
    """One choice per item (`v:<number>:<option>`), a line of text, then "next".

    The prompter shows only the partner's own items; which of them count is decided where
    the answers are read (a pressed number that is not theirs is never shown).
    """
    step_spec = flow.spec(interview.step)
    if isinstance(given, Text):
        text = _clean_text(given.text)
        if not text:
            return _stay(interview, "empty_text")
        return Outcome(_set(interview, **{step_spec.note_field: text}), "noted_choose")
    prefix, _, rest = given.value.partition(":")
    number, _, option = rest.partition(":")
    if prefix == "v" and number.isdigit() and option in step_spec.options:
        chosen = dict(getattr(interview.answers, step_spec.field))
        chosen[int(number)] = option
        changed = _set(interview, **{step_spec.field: tuple(sorted(chosen.items()))})
        return Outcome(changed, ask=False, update_pressed=True)
    if given.value == "next":
        return _advance(interview, interview, flow)
    if given.value == "skip":
        cleared = _set(interview, **{step_spec.field: (), step_spec.note_field: None})
        return _advance(interview, cleared, flow)
    return _stay(interview, "unknown_choice")


def _scale_step(interview: Interview, given: Input, flow: Flow) -> Outcome:
    """One press answers and moves on; options are numbers (the scale) or words."""
    step_spec = flow.spec(interview.step)
    if isinstance(given, Text):
        return _stay(interview, "use_buttons")
    if given.value == "skip":
        return _advance(interview, _set(interview, **{step_spec.field: None}), flow)
    if given.value.startswith("c:"):
        raw = given.value[2:]
        choice = int(raw) if raw.isdigit() else raw
        if choice in step_spec.options:
            return _advance(interview, _set(interview, **{step_spec.field: choice}), flow)
    return _stay(interview, "unknown_choice")


def _review(interview: Interview, given: Input, now: datetime, flow: Flow) -> Outcome:
    if isinstance(given, Text):
        return _stay(interview, "review_use_buttons")
    if given.value == "seal":
        return Outcome(replace(interview, sealed_at=now), "sealed", ask=False, update_pressed=True)
    if given.value.startswith("e:") and given.value[2:].isdigit():
        target = int(given.value[2:])
        if target in flow.editable:
            return Outcome(replace(interview, step=Step(target), editing=True))
    return _stay(interview, "unknown_choice")

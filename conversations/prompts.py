"""The interview's questions as neutral messages, with their buttons."""

from __future__ import annotations

from conversations import categories, payloads
from conversations.messages import Button, Message, MultiSelect
from conversations.model import Answers, Interview, Member, Partnership, Round, Step
from conversations.steps import EDITABLE, INTERESTS, Flow, Kind, spec
from conversations.texts import Texts

TOTAL = len(Step)


class Prompter:
    """Builds the messages of one partner's interview in one round.

    Subclasses with another `flow` (the check-in) reuse the buttons and `answered`.
    """

    flow: Flow = INTERESTS

    def __init__(self, partnership: Partnership, rnd: Round, member: Member) -> None:
        self.t = Texts.of(partnership)
        self.partnership = partnership
        self.round = rnd
        self.member = member

    def _button(self, step: Step, value: str, label: str, **flags: bool) -> Button:
        payload = payloads.encode(self.partnership.id or 0, self.round.number, step, value)
        return Button(label=label, payload=payload, **flags)

    def question(self, interview: Interview, lead: tuple[str, ...] = ()) -> Message:
        """The current step's question, after optional lead paragraphs (feedback)."""
        step = interview.step
        step_spec = spec(step)
        t = self.t
        answers = interview.answers
        head = t.markup("step_header", number=step, total=TOTAL, title=t.label(f"step_{step}"))
        rows: list[tuple[Button, ...]] = []
        multiselect = None
        match step_spec.kind:
            case Kind.START:
                body = t.sections(
                    "welcome",
                    partnership=self.partnership.name,
                    anonymous=self.partnership.anonymous,
                )
                rows.append(
                    (
                        self._button(step, "start", t.label("button_start"), primary=True),
                        self._button(step, "later", t.label("button_later")),
                    )
                )
                return Message((*lead, *body), tuple(rows))
            case Kind.TEXT:
                current = getattr(answers, step_spec.field)
                remembered = self.member.organisation if step is Step.ORGANISATION else None
                body = t.sections(f"ask_{step_spec.field}", current=current, remembered=remembered)
                if remembered:
                    keep = t.label("button_keep", organisation=remembered)
                    rows.append((self._button(step, "keep", keep, primary=True),))
                if not step_spec.required:
                    rows.append((self._button(step, "skip", t.label("button_skip")),))
            case Kind.MULTI:
                chosen = getattr(answers, step_spec.field)
                note = getattr(answers, step_spec.note_field)
                body = t.sections(f"ask_{step_spec.field}", note=note)
                multiselect = MultiSelect(
                    tuple(
                        self._button(step, f"t:{c}", t.label(f"category_{c}"), selected=c in chosen)
                        for c in step_spec.options
                    )
                )
                rows.append(
                    (
                        self._button(step, "next", t.label("button_next"), primary=True),
                        self._button(step, "skip", t.label("button_skip")),
                    )
                )
            case Kind.SCALE:
                current = getattr(answers, step_spec.field)
                body = t.sections(f"ask_{step_spec.field}", current=current)
                for n in step_spec.options:
                    label = t.label(f"balance_{n}")
                    rows.append((self._button(step, f"c:{n}", label, selected=n == current),))
                rows.append((self._button(step, "skip", t.label("button_skip")),))
            case Kind.CHOICE_NOTE:
                current = getattr(answers, step_spec.field)
                note = getattr(answers, step_spec.note_field)
                body = t.sections(f"ask_{step_spec.field}", note=note,
                                  ambition=self.round.ambition)
                rows.append(
                    tuple(
                        self._button(step, f"c:{o}", t.label(f"{step_spec.field}_{o}"),
                                     selected=o == current)
                        for o in step_spec.options
                    )
                )
                rows.append(
                    (
                        self._button(step, "next", t.label("button_next"), primary=True),
                        self._button(step, "skip", t.label("button_skip")),
                    )
                )
            case Kind.REVIEW:
                return self.review(interview, lead)
        if interview.editing:
            rows.append((self._button(step, "review", t.label("button_back_to_review")),))
        return Message((*lead, head, *body), tuple(rows), multiselect)

    def review(self, interview: Interview, lead: tuple[str, ...] = ()) -> Message:
        t = self.t
        body = t.sections(
            "review",
            a=answer_view(t, interview.answers),
            sealed=interview.sealed,
        )
        change = [
            self._button(Step.REVIEW, f"e:{s}", t.label("button_change", number=int(s)))
            for s in EDITABLE
        ]
        rows = [tuple(change[i : i + 3]) for i in range(0, len(change), 3)]
        seal_key = "button_seal_again" if interview.sealed else "button_seal"
        rows.append((self._button(Step.REVIEW, "seal", t.label(seal_key), primary=True),))
        return Message((*lead, *body), tuple(rows))

    def answered(self, interview: Interview) -> Message:
        """What a pressed question shows afterwards: the answer given, without buttons."""
        question = self.question(interview)
        step_spec = self.flow.spec(interview.step)
        if step_spec.field is None:  # welcome and review: the text itself, buttons gone
            return Message(question.sections)
        view = self.view(interview.answers)
        note = view[step_spec.note_field] if step_spec.note_field else None
        summary = self.t.markup("answered", value=view[step_spec.field], note=note)
        return Message((*question.sections, summary))

    def typed_button(self, interview: Interview, text: str) -> str | None:
        """The value of the current question's button whose label was typed, if any.

        Case and spacing do not matter: "ongeveer in evenwicht" presses that button.
        """
        wanted = " ".join(text.split()).casefold()
        for button in self.question(interview).all_buttons:
            press = payloads.decode(button.payload)
            if press is not None and " ".join(button.label.split()).casefold() == wanted:
                return press.value
        return None

    def view(self, answers: Answers) -> dict[str, object]:
        return answer_view(self.t, answers)


def answer_view(t: Texts, answers: Answers) -> dict[str, object]:
    """Answers with codes turned into words, as the review and the reveal show them."""
    return {
        "organisation": answers.organisation,
        "org_interest": answers.org_interest,
        "own_interest": answers.own_interest,
        "gets": [t.label(f"category_{c}") for c in categories.ALL if c in answers.gets],
        "get_note": answers.get_note,
        "gives": [t.label(f"category_{c}") for c in categories.ALL if c in answers.gives],
        "give_note": answers.give_note,
        "balance": t.label(f"balance_{answers.balance}") if answers.balance else None,
        "ambition": t.label(f"ambition_{answers.ambition}") if answers.ambition else None,
        "ambition_note": answers.ambition_note,
        "expectations": answers.expectations,
        "stakeholders": answers.stakeholders,
    }

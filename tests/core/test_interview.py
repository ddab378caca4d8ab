"""Every step of the interview, as the state machine sees it."""

from __future__ import annotations

import pytest

from conversations.categories import GET, GIVE
from conversations.interview import MAX_TEXT, Pressed, Text, apply
from conversations.model import Interview, Step
from conversations.steps import TABLE, Kind

from .builders import NOW


def at(step: Step, **answers) -> Interview:
    interview = Interview(1, "anna", step)
    if answers:
        from dataclasses import replace

        interview = replace(interview, answers=replace(interview.answers, **answers))
    return interview


def test_the_table_has_all_eleven_steps_in_order():
    assert list(TABLE) == list(Step) and len(Step) == 11
    assert TABLE[Step.ORGANISATION].required
    assert "autonomy" in TABLE[Step.GIVE].options and "autonomy" not in TABLE[Step.GET].options


def test_welcome_start_and_later():
    assert apply(at(Step.WELCOME), Pressed("start"), NOW, None).interview.step is Step.ORGANISATION
    later = apply(at(Step.WELCOME), Pressed("later"), NOW, None)
    assert later.interview.step is Step.WELCOME and later.feedback == "later" and not later.ask
    assert apply(at(Step.WELCOME), Text("hoi"), NOW, None).feedback == "press_start"


def test_organisation_is_required_and_remembered():
    empty = apply(at(Step.ORGANISATION), Text("   "), NOW, None)
    assert empty.feedback == "empty_text" and empty.interview.step is Step.ORGANISATION
    skip = apply(at(Step.ORGANISATION), Pressed("skip"), NOW, None)
    assert skip.feedback == "required" and skip.interview.step is Step.ORGANISATION
    kept = apply(at(Step.ORGANISATION), Pressed("keep"), NOW, "Gemeente").interview
    assert kept.answers.organisation == "Gemeente" and kept.step is Step.ORG_INTEREST
    typed = apply(at(Step.ORGANISATION), Text(" School "), NOW, "Gemeente").interview
    assert typed.answers.organisation == "School"


@pytest.mark.parametrize(
    "step,field",
    [(Step.ORG_INTEREST, "org_interest"), (Step.OWN_INTEREST, "own_interest"),
     (Step.EXPECTATIONS, "expectations"), (Step.STAKEHOLDERS, "stakeholders")],
)
def test_text_steps_take_text_or_skip(step, field):
    answered = apply(at(step), Text("my answer"), NOW, None).interview
    assert getattr(answered.answers, field) == "my answer"
    assert answered.step is (Step(step + 1))
    skipped = apply(at(step, **{field: "old"}), Pressed("skip"), NOW, None).interview
    assert getattr(skipped.answers, field) is None and skipped.step is Step(step + 1)


def test_text_over_the_limit_is_refused_and_nothing_is_stored():
    before = at(Step.ORG_INTEREST)
    outcome = apply(before, Text("x" * (MAX_TEXT + 1)), NOW, None)
    assert outcome.interview == before
    assert outcome.feedback == "too_long" and outcome.values["limit"] == MAX_TEXT and outcome.ask
    assert apply(before, Text("x" * MAX_TEXT), NOW, None).interview.step is Step.OWN_INTEREST


@pytest.mark.parametrize("step,field,note,options",
                         [(Step.GET, "gets", "get_note", GET), (Step.GIVE, "gives", "give_note",
                                                                GIVE)])
def test_multi_select_toggles_takes_a_note_and_moves_on(step, field, note, options):
    interview = at(step)
    for option in options[:3]:
        outcome = apply(interview, Pressed(f"t:{option}"), NOW, None)
        assert outcome.update_pressed and not outcome.ask
        interview = outcome.interview
    interview = apply(interview, Pressed(f"t:{options[1]}"), NOW, None).interview
    assert getattr(interview.answers, field) == {options[0], options[2]}
    noted = apply(interview, Text("because"), NOW, None)
    assert noted.interview.step is step and getattr(noted.interview.answers, note) == "because"
    done = apply(noted.interview, Pressed("next"), NOW, None).interview
    assert done.step is Step(step + 1) and getattr(done.answers, field) == {options[0], options[2]}
    assert apply(interview, Pressed("t:nonsense"), NOW, None).feedback == "unknown_choice"


def test_autonomy_can_be_given_but_not_wanted():
    assert apply(at(Step.GET), Pressed("t:autonomy"), NOW, None).feedback == "unknown_choice"
    given = apply(at(Step.GIVE), Pressed("t:autonomy"), NOW, None).interview
    assert given.answers.gives == {"autonomy"}


def test_balance_is_one_press_on_the_five_point_scale():
    moved = apply(at(Step.BALANCE), Pressed("c:5"), NOW, None).interview
    assert moved.answers.balance == 5 and moved.step is Step.AMBITION
    assert apply(at(Step.BALANCE), Pressed("c:6"), NOW, None).feedback == "unknown_choice"
    assert apply(at(Step.BALANCE), Text("5"), NOW, None).feedback == "use_buttons"


def test_ambition_choice_with_a_line_of_text():
    chosen = apply(at(Step.AMBITION), Pressed("c:partly"), NOW, None)
    assert chosen.interview.answers.ambition == "partly" and chosen.update_pressed
    noted = apply(chosen.interview, Text("fewer hours"), NOW, None).interview
    done = apply(noted, Pressed("next"), NOW, None).interview
    assert done.step is Step.EXPECTATIONS
    assert (done.answers.ambition, done.answers.ambition_note) == ("partly", "fewer hours")


def test_last_question_leads_to_the_review_and_sealing():
    review = apply(at(Step.STAKEHOLDERS), Text("newsletter"), NOW, None).interview
    assert review.step is Step.REVIEW and not review.sealed
    sealed = apply(review, Pressed("seal"), NOW, None)
    assert sealed.interview.sealed_at == NOW and sealed.feedback == "sealed"
    assert apply(review, Text("hi"), NOW, None).feedback == "review_use_buttons"


def test_edit_from_review_returns_to_the_review():
    review = at(Step.REVIEW, org_interest="old")
    editing = apply(review, Pressed("e:3"), NOW, None).interview
    assert editing.step is Step.ORG_INTEREST and editing.editing
    back = apply(editing, Text("new"), NOW, None).interview
    assert back.step is Step.REVIEW and not back.editing and back.answers.org_interest == "new"
    kept = apply(editing, Pressed("review"), NOW, None).interview
    assert kept.step is Step.REVIEW and kept.answers.org_interest == "old"
    assert apply(review, Pressed("e:11"), NOW, None).feedback == "unknown_choice"
    assert apply(review, Pressed("e:1"), NOW, None).feedback == "unknown_choice"


def test_changing_after_sealing_keeps_the_answers_sealed():
    from dataclasses import replace

    sealed = replace(at(Step.REVIEW, balance=2), sealed_at=NOW)
    editing = apply(sealed, Pressed("e:7"), NOW, None).interview
    changed = apply(editing, Pressed("c:4"), NOW, None).interview
    assert changed.sealed and changed.step is Step.REVIEW and changed.answers.balance == 4


def test_a_button_nobody_sent_changes_nothing_at_any_step():
    for step in Step:
        assert isinstance(TABLE[step].kind, Kind)
        outcome = apply(at(step), Pressed("nonsense"), NOW, None)
        assert outcome.interview == at(step) and outcome.feedback, step

"""The check-in's follow-up questions in the pure core: the flow per partner, verdicts per
agreement, and what the result counts."""

from __future__ import annotations

from dataclasses import replace

from conversations.checkin import CheckinStep, flow_for
from conversations.checkin_result import aggregate
from conversations.interview import Pressed, Text, apply
from conversations.model import (
    Agreement,
    AgreementStatus,
    Answers,
    Interview,
    Round,
    RoundKind,
    RoundStatus,
    Step,
)

from .builders import NOW, table


def test_the_agreements_step_is_asked_only_of_partners_in_an_agreement():
    steps = [CheckinStep(int(s)) for s in flow_for(True).order]
    assert steps == [CheckinStep.BALANCE, CheckinStep.DELIVERS, CheckinStep.AGREEMENTS,
                     CheckinStep.VALUED, CheckinStep.CHANGED, CheckinStep.REVIEW]
    assert CheckinStep.AGREEMENTS not in [CheckinStep(int(s)) for s in flow_for(False).order]
    assert flow_for(False).position(Step(CheckinStep.VALUED)) == 3


def test_a_verdict_per_agreement_a_line_and_next():
    flow = flow_for(True)
    at = Interview(1, "anna", Step(CheckinStep.AGREEMENTS))
    out = apply(at, Pressed("v:1:partly"), NOW, None, flow)
    assert out.update_pressed and out.interview.answers.verdict(1) == "partly"
    out = apply(out.interview, Pressed("v:1:kept"), NOW, None, flow)  # changed their mind
    out = apply(out.interview, Text("  on track  "), NOW, None, flow)
    assert out.interview.answers.kept == ((1, "kept"),)
    assert out.interview.answers.kept_note == "on track"
    assert apply(out.interview, Pressed("v:1:maybe"), NOW, None, flow).feedback == (
        "unknown_choice")
    out = apply(out.interview, Pressed("next"), NOW, None, flow)
    assert out.interview.step == Step(CheckinStep.VALUED)


def test_the_result_counts_only_the_verdicts_of_an_agreements_own_partners():
    t = table("anna", "bram", "chris")
    t = t.with_agreement(Agreement(1, "sessions", "bram", "anna", AgreementStatus.CONFIRMED,
                                   NOW, receivers=("anna",)))
    rnd = Round(2, RoundKind.CHECKIN, RoundStatus.OPEN, NOW, token="tok")
    t = t.with_round(rnd)
    for user, kept in (("anna", "partly"), ("bram", "kept"), ("chris", "not")):  # chris: forged
        answers = Answers(balance=3, kept=((1, kept),), kept_note=f"{user} says",
                          valued="no" if user == "bram" else "yes")
        t = t.with_interview(Interview(2, user, Step(CheckinStep.REVIEW), answers,
                                       sealed_at=NOW))
    result = aggregate(t, rnd, ())
    [check] = result.agreements
    assert check.verdicts == (("Anna", "partly"), ("Bram", "kept"))
    assert result.kept_notes == (("Anna", "anna says"), ("Bram", "bram says"))
    assert result.not_valued == ("Bram",)
    keys = [k for k, _ in result.questions]
    assert "checkin_question_kept" in keys and "checkin_question_valued" in keys

    anonymous = replace(t, partnership=replace(t.partnership, anonymous=True))
    [check] = aggregate(anonymous, rnd, ()).agreements
    assert sorted(v for _, v in check.verdicts) == ["kept", "partly"]
    assert all(who is None for who, _ in check.verdicts)

"""Aggregation on the tricky cases."""

from __future__ import annotations

from conversations.model import Answers
from conversations.reveal import aggregate
from conversations.reveal_message import reveal_message
from conversations.texts import Texts

from .builders import table, with_round


def reveal_of(t, **answers):
    t = with_round(t, answers)
    return aggregate(t, t.latest())


def A(gets=(), gives=(), balance=None, ambition=None, organisation="Org"):
    return Answers(organisation=organisation, gets=frozenset(gets), gives=frozenset(gives),
                   balance=balance, ambition=ambition)


def test_one_partner_has_no_match_only_open_needs_and_unused_offers():
    r = reveal_of(table("anna"), anna=A({"knowledge"}, {"knowledge", "money"}))
    assert (r.answered, r.invited) == (1, 1)
    assert r.matches == ()  # bringing what you want yourself is no match
    assert [(g.category, g.who) for g in r.open_needs] == [("knowledge", ("Anna",))]
    assert {g.category for g in r.unused_offers} == {"knowledge", "money"}
    assert 3 <= len(r.questions) <= 4


def test_everyone_identical():
    same = A({"network"}, {"network"}, balance=3)
    r = reveal_of(table("anna", "bram", "chris"), anna=same, bram=same, chris=same)
    assert [(m.category, m.wanted_by, m.brought_by) for m in r.matches] == [
        ("network", ("Anna", "Bram", "Chris"), ("Anna", "Bram", "Chris"))
    ]
    assert r.open_needs == () and r.unused_offers == () and r.brings_more == ()


def test_nobody_gives_what_is_wanted():
    r = reveal_of(table("anna", "bram"), anna=A({"money"}, {"facilities"}),
                  bram=A({"capacity"}, {"reputation"}))
    assert r.matches == ()
    assert {g.category for g in r.open_needs} == {"money", "capacity"}
    assert {g.category for g in r.unused_offers} == {"facilities", "reputation"}
    keys = [k for k, _ in r.questions]
    assert keys[0] == "question_open_need" and "question_unused" in keys


def test_all_skipped_still_gives_a_readable_prompt():
    r = reveal_of(table("anna", "bram"), anna=A(), bram=A())
    assert r.matches == r.open_needs == r.unused_offers == ()
    assert [k for k, _ in r.questions] == [
        "question_surprise", "question_expectations", "question_stakeholders"]
    text = " ".join(reveal_message(Texts("en"), "Tafel", r).sections)
    assert "nothing chosen" in text and "2 of 2 partners took part" in text


def test_balance_warning_ambition_doubt_and_autonomy_lead_to_questions():
    r = reveal_of(table("anna", "bram"), anna=A({"money"}, {"autonomy"}, balance=5,
                                                ambition="no"),
                  bram=A({"knowledge"}, {"money"}, balance=1))
    assert r.brings_more == ("Anna",) and r.ambition_doubts == ("Anna",)
    assert r.autonomy == ("Anna",)
    assert all(g.category != "autonomy" for g in r.unused_offers)  # nobody can "want" it
    assert [k for k, _ in r.questions][:2] == ["question_balance", "question_open_need"]
    assert len(r.questions) == 4


def test_anonymous_mode_drops_names_and_organisations_and_shuffles():
    t = table("anna", "bram", "chris", "dirk", anonymous=True)
    given = {u: A({"knowledge"}, {"network"}, organisation=f"Org-{u}")
             for u in ("anna", "bram", "chris", "dirk")}
    r = reveal_of(t, **given)
    assert [c.label for c in r.cards] == ["Partner A", "Partner B", "Partner C", "Partner D"]
    assert all(c.user_id is None and c.answers.organisation is None for c in r.cards)
    text = " ".join(reveal_message(Texts("en"), "Tafel", r).sections)
    assert "Org-" not in text and "Anna" not in text and "<mention" not in text
    named = reveal_of(table("anna", "bram", "chris", "dirk"), **given)
    assert [c.user_id for c in named.cards] == ["anna", "bram", "chris", "dirk"]
    # The order is shuffled, and the same every time the round is shown.
    order = [c.answers for c in r.cards]
    assert order == [c.answers for c in reveal_of(t, **given).cards]


def test_only_sealed_answers_of_current_partners_count():
    t = with_round(table("anna", "bram"), {"anna": A({"money"}), "bram": None})
    r = aggregate(t, t.latest())
    assert (r.answered, r.invited, r.missing) == (1, 2, ("Bram",))

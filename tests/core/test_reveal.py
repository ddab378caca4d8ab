"""Aggregation on the tricky cases."""

from __future__ import annotations

from dataclasses import replace

from conversations import categories
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
    assert r.gets_nothing == ("Anna",)
    assert [k for k, _ in r.questions] == [
        "question_gets_nothing", "question_open_need", "question_unused",
        "question_expectations", "question_stakeholders"]


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
    assert keys[:2] == ["question_gets_nothing", "question_open_need"]
    assert "question_unused" in keys


def test_all_skipped_still_gives_a_readable_prompt():
    r = reveal_of(table("anna", "bram"), anna=A(), bram=A())
    assert r.matches == r.open_needs == r.unused_offers == ()
    assert r.brings_nothing == r.gets_nothing == ("Anna", "Bram")
    assert [k for k, _ in r.questions] == [
        "question_gets_nothing", "question_brings_nothing", "question_expectations",
        "question_stakeholders"]
    text = " ".join(reveal_message(Texts("en"), "Tafel", r).sections)
    assert "nothing chosen" in text and "2 of 2 partners took part" in text
    assert "Anna brings nothing yet." in text and "Bram has nothing to get yet." in text


def test_balance_warning_ambition_doubt_and_autonomy_lead_to_questions():
    r = reveal_of(table("anna", "bram"), anna=A({"money"}, {"autonomy"}, balance=5,
                                                ambition="no"),
                  bram=A({"knowledge"}, {"money"}, balance=1))
    assert r.brings_more == ("Anna",) and r.ambition_doubts == ("Anna",)
    assert [(a.who, a.gains) for a in r.autonomy] == [("Anna", ("money",))]
    assert all(g.category != "autonomy" for g in r.unused_offers)  # nobody can "want" it
    keys = [k for k, _ in r.questions]
    # Nothing is cut: the method's questions about ambition and autonomy are there too.
    assert keys == ["question_gets_nothing", "question_balance", "question_ambition",
                    "question_open_need", "question_autonomy", "question_match",
                    "question_expectations", "question_stakeholders"]


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


def text_of(r, language="en"):
    return "\n".join(reveal_message(Texts(language), "Tafel", r).sections)


def test_something_else_is_never_a_match_but_listed_with_what_was_typed():
    anna = Answers(organisation="O", gets=frozenset({"other"}), get_note="a quiet room")
    bram = Answers(organisation="O", gives=frozenset({"other"}), give_note="our choir")
    r = reveal_of(table("anna", "bram"), anna=anna, bram=bram)
    assert r.matches == () and r.open_needs == () and r.unused_offers == ()
    assert [(o.who, o.wants, o.brings) for o in r.others] == [
        ("Anna", "a quiet room", None), ("Bram", None, "our choir")]
    # The typed lines reach the questions, each its own (the reveal is the first place
    # anyone sees them).
    assert ("question_other_wants", {"who": "Anna", "text": "a quiet room"}) in r.questions
    assert ("question_other_brings", {"who": "Bram", "text": "our choir"}) in r.questions
    assert "question_other" not in [k for k, _ in r.questions]  # everyone said what
    text = text_of(r)
    assert "Anna wrote that they want to get: “a quiet room”. Who can help with that?" in text
    assert "Bram offers: “our choir”. Who is looking for that" in text
    assert "Anna wants to get: “a quiet room”" in text
    assert "Bram wants to bring: “our choir”" in text
    assert "How could that work?" not in text
    dutch = text_of(r, "nl")
    assert "Anna schreef iets anders te willen halen: “a quiet room”. Wie kan daarbij helpen?" in (
        dutch)


def test_something_else_without_a_line_is_asked_about_as_well():
    anna = Answers(organisation="O", gets=frozenset({"other"}))
    r = reveal_of(table("anna", "bram"), anna=anna, bram=Answers(organisation="O"))
    assert ("question_other", {"who": ("Anna",)}) in r.questions


def test_continuity_is_common_ground_never_something_one_partner_brings():
    assert "continuity" in categories.GET and "continuity" not in categories.GIVE
    r = reveal_of(table("anna", "bram"), anna=A({"continuity"}, {"money"}),
                  bram=A({"continuity", "money"}, {"knowledge"}))
    assert r.open_needs == ()  # nobody can bring it, so it is no open need either
    assert [(g.category, g.who) for g in r.common_ground] == [
        ("continuity", ("Anna", "Bram"))]
    assert r.gets_nothing == ()  # both gain it from the collaboration as a whole
    text = text_of(r, "nl")
    assert "Wat jullie gemeen hebben" in text
    assert "Voortbestaan van de eigen organisatie: Anna en Bram" in text
    # In a sentence with its article, about whoever wants it (not "onze": issue 13).
    assert "willen allebei het voortbestaan van de eigen organisatie halen" in text
    assert ("both want the continuity of their own organisation"
            in text_of(r, "en"))


def test_common_ground_is_what_several_partners_want_alike_most_shared_first():
    r = reveal_of(table("anna", "bram", "chris"),
                  anna=A({"knowledge", "network"}), bram=A({"knowledge", "network"}),
                  chris=A({"knowledge"}, {"knowledge"}))
    assert [(g.category, g.who) for g in r.common_ground] == [
        ("knowledge", ("Anna", "Bram", "Chris")), ("network", ("Anna", "Bram"))]
    # Knowledge is also a match (Chris brings it) and asked about as one; network is not.
    assert ("question_common_ground", {"category": "network",
                                       "who": ("Anna", "Bram")}) in r.questions
    text = text_of(r)
    assert "Knowledge: Anna, Bram and Chris" in text
    assert "Anna and Bram both want network and access." in text


def test_flags_for_partners_who_bring_nothing_or_get_nothing():
    r = reveal_of(table("anna", "bram", "chris"), anna=A({"money"}, {"knowledge"}),
                  bram=A({"knowledge"}), chris=A({"facilities"}, {"money"}))
    assert r.brings_nothing == ("Bram",)
    assert r.gets_nothing == ("Chris",)  # nobody brings facilities
    text = text_of(r, "nl")
    assert "Bram brengt nog niets in." in text
    assert "Voor Chris valt er nog niets te halen." in text
    assert "hij of zij" not in text


def test_autonomy_given_is_shown_with_what_those_partners_get():
    r = reveal_of(table("anna", "bram"),
                  anna=A({"knowledge", "continuity"}, {"autonomy"}),
                  bram=A({"money"}, {"knowledge", "autonomy"}))
    assert [(a.who, a.gains) for a in r.autonomy] == [
        ("Anna", ("knowledge", "continuity")), ("Bram", ())]
    text = text_of(r, "nl")
    assert ("Anna levert een deel van de eigen autonomie in en haalt: kennis en "
            "het voortbestaan van de eigen organisatie") in text
    assert "Bram levert een deel van de eigen autonomie in — maar haalt er nog niets" in text


def test_the_ambition_answers_are_put_together_with_their_lines():
    def amb(answer, note=None):
        return Answers(organisation="O", gets=frozenset({"knowledge"}),
                       gives=frozenset({"knowledge"}), ambition=answer, ambition_note=note)
    t = with_round(table("anna", "bram", "chris", "dirk"),
                   {"anna": amb("yes"), "bram": amb("partly", "not before June"),
                    "chris": amb("no", "too big for us"), "dirk": amb("yes")})
    t = t.with_round(replace(t.latest(), ambition="Every child a school nearby"))
    r = aggregate(t, t.latest())
    assert r.ambition == "Every child a school nearby"
    assert r.ambition_doubts == ("Bram", "Chris")
    text = text_of(r)
    assert "The ambition</b>: Every child a school nearby" in text
    assert "Realistic, and willing to invest in it: Anna and Dirk" in text
    assert "Partly: Bram (“not before June”)" in text
    assert "No: Chris (“too big for us”)" in text
    # Doubts about the ambition come before the match and common-ground questions.
    keys = [k for k, _ in r.questions]
    assert keys[0] == "question_ambition"


def test_without_a_stated_ambition_the_reveal_says_so():
    r = reveal_of(table("anna"), anna=A(ambition="partly"))
    assert "no shared ambition was stated for this round" in text_of(r)


def test_questions_follow_significance_not_category_order():
    # Money is wanted by one partner, facilities by three: the most-wanted open need is asked.
    r = reveal_of(table("anna", "bram", "chris"),
                  anna=A({"money", "facilities"}, {"knowledge"}, balance=4),
                  bram=A({"facilities", "knowledge"}, {"network"}, balance=5),
                  chris=A({"facilities", "network"}, {"knowledge"}))
    questions = dict(r.questions)
    assert questions["question_open_need"]["category"] == "facilities"
    assert r.brings_more == ("Bram", "Anna")  # the biggest imbalance first
    keys = [k for k, _ in r.questions]
    assert keys.index("question_balance") < keys.index("question_open_need")
    assert keys[-2:] == ["question_expectations", "question_stakeholders"]

"""Grading every question type, partial credit, normalisation of what learners type, invalid responses."""

import random

import pytest

from lms.quizzes.gift import Answer, NumericalAnswer, Pair, Question, parse
from lms.quizzes.grading import GradeResult, InvalidResponse, NotGradable, grade, is_gradable, shuffle_options
from lms.quizzes.normalise import normalise_answer, parse_number


def one(source: str) -> Question:
    (question,) = parse(source)
    return question


HOMETOWN = one(
    "Jesus Christ was from {~Jerusalem#Wrong city. ~%25%Bethlehem#Born there. ~%50%Galilee#Too vague."
    " =Nazareth#Right! ~%-50%Rome#Not even close.}."
)
ENTOMBED = one(
    "Who is entombed? {~%-100%No one#No. ~%50%Grant#Yes. ~%50%Grant's wife#Yes. ~%-100%Grant's father}"
)


# --- multichoice ---------------------------------------------------------------------------------------------


def test_multichoice_right_wrong_partial_and_negative():
    assert grade(HOMETOWN, 3) == GradeResult(1.0, True, ["Right!"], False)
    assert grade(HOMETOWN, 0) == GradeResult(0.0, False, ["Wrong city."], False)
    assert grade(HOMETOWN, 1) == GradeResult(0.25, False, ["Born there."], False)
    assert grade(HOMETOWN, 2).score == 0.5
    assert grade(HOMETOWN, 4) == GradeResult(0.0, False, ["Not even close."], False)  # never below 0


@pytest.mark.parametrize("response", [5, -1, "3", 3.0, True, None, [3]])
def test_multichoice_invalid_responses(response):
    with pytest.raises(InvalidResponse):
        grade(HOMETOWN, response)


# --- multiresponse ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "score", "feedback"),
    [
        ({1, 2}, 1.0, ["Yes.", "Yes."]),
        ([2, 1], 1.0, ["Yes.", "Yes."]),
        ((1,), 0.5, ["Yes."]),
        (frozenset(), 0.0, []),
        ({0, 1}, 0.0, ["No.", "Yes."]),  # -100% + 50% clamps at 0
        ({1, 2, 3}, 0.0, ["Yes.", "Yes."]),  # ticking everything does not pay
        ({0, 1, 2, 3}, 0.0, ["No.", "Yes.", "Yes."]),
    ],
)
def test_multiresponse_adds_weights_and_clamps(chosen, score, feedback):
    result = grade(ENTOMBED, chosen)
    assert (result.score, result.correct, result.feedback) == (score, score == 1.0, feedback)


def test_multiresponse_partial_sum_and_rounded_thirds():
    q = one("Pick {~%40%a ~%30%b ~%30%c ~%-50%d}")
    assert grade(q, {0, 1}).score == pytest.approx(0.7)
    assert grade(q, {0, 1, 3}).score == pytest.approx(0.2)
    thirds = one("Pick {~%33.33%a ~%33.33%b ~%33.33%c ~%-100%d}")  # 99.99%: accepted as 100%
    assert grade(thirds, {0, 1, 2}) == GradeResult(1.0, True, [], False)
    assert grade(thirds, {0}).score == pytest.approx(0.3333)


@pytest.mark.parametrize("response", [{4}, [1, 1], 1, "1,2", {True}, {"1"}])
def test_multiresponse_invalid_responses(response):
    with pytest.raises(InvalidResponse):
        grade(ENTOMBED, response)


# --- truefalse ---------------------------------------------------------------------------------------------------


def test_truefalse_and_its_feedback():
    q = one("The sun rises in the west.{FALSE#No, in the east.#Right, it rises in the east.}")
    assert grade(q, False) == GradeResult(1.0, True, ["Right, it rises in the east."], False)
    assert grade(q, True) == GradeResult(0.0, False, ["No, in the east."], False)
    assert grade(one("1+1=2 {T}"), True).correct is True
    for response in (1, "true", None):
        with pytest.raises(InvalidResponse, match="bool"):
            grade(q, response)


# --- shortanswer -------------------------------------------------------------------------------------------------

GMV = one("GMV 的中文全称是什么？{=商品交易总额#完全正确。 =%50%成交额#接近了。 =GMV#写中文。}")


@pytest.mark.parametrize(
    ("typed", "score"),
    [
        ("商品交易总额", 1.0),
        ("商品交易总额。", 1.0),  # trailing Chinese full stop
        ("  商品交易总额！ ", 1.0),  # full-width exclamation mark and spaces
        ("商品交易总额.", 1.0),
        ("成交额", 0.5),
        ("ＧＭＶ", 1.0),  # full-width letters from a Chinese input method
        ("gmv", 1.0),  # case
        ("商品 交易总额", 0.0),  # a space inside changes the answer
        ("交易总额", 0.0),
        ("", 0.0),
    ],
)
def test_chinese_short_answers_are_normalised(typed, score):
    assert grade(GMV, typed).score == score


def test_short_answer_feedback_case_and_whitespace():
    q = one(
        "Who's buried in Grant's tomb?{=no one#Excellent. =nobody#Also right. =%25%Grant#Entombed, not buried.}"
    )
    assert grade(q, "  No   ONE ") == GradeResult(1.0, True, ["Excellent."], False)
    assert grade(q, "NOBODY!") == GradeResult(1.0, True, ["Also right."], False)
    assert grade(q, "grant.") == GradeResult(0.25, False, ["Entombed, not buried."], False)
    assert grade(q, "Lincoln") == GradeResult(0.0, False, [], False)
    assert grade(q, "Ｎｏ　ｏｎｅ").score == 1.0  # full-width letters and ideographic space


def test_short_answer_catch_all_star():
    q = one("Capital of France? {=Paris =%0%*#Think of the Eiffel Tower.}")
    assert grade(q, "Lyon") == GradeResult(0.0, False, ["Think of the Eiffel Tower."], False)
    assert grade(q, "paris") == GradeResult(1.0, True, [], False)
    with pytest.raises(InvalidResponse, match="str"):
        grade(q, 42)


# --- numerical ---------------------------------------------------------------------------------------------------

BORN = one("When was Grant born? {#=1822:0#Exactly. =%50%1822:2#Close. ~#Look it up.}")


@pytest.mark.parametrize(
    ("typed", "score", "feedback"),
    [
        ("1822", 1.0, ["Exactly."]),
        (1822, 1.0, ["Exactly."]),
        (1822.0, 1.0, ["Exactly."]),
        ("１８２２", 1.0, ["Exactly."]),  # full-width digits
        (" 1822.0 ", 1.0, ["Exactly."]),
        ("1820", 0.5, ["Close."]),
        ("1824", 0.5, ["Close."]),
        ("1825", 0.0, ["Look it up."]),
    ],
)
def test_numerical_tolerance_weights_and_catch_all(typed, score, feedback):
    result = grade(BORN, typed)
    assert (result.score, result.feedback) == (score, feedback)


def test_numerical_ranges_and_grouped_digits():
    pi = one("Pi to 3 decimals? {#3.141..3.142}")
    assert [grade(pi, x).score for x in ("3.141", "3.1415", "3.142", "3.1405", "3.143")] == [1, 1, 1, 0, 0]
    viewers = one("Peak viewers? {#1200:0}")
    assert grade(viewers, "1,200").score == 1.0
    assert grade(viewers, "１，２００").score == 1.0
    assert grade(one("Temperature? {#-5:1}"), "−4.5").score == 1.0  # a typographic minus sign


@pytest.mark.parametrize("response", ["abc", "", "12 apples", "1,20", "nan", "inf", True, None, [1822]])
def test_numerical_invalid_responses(response):
    with pytest.raises(InvalidResponse):
        grade(BORN, response)


# --- matching ----------------------------------------------------------------------------------------------------

CAPITALS = one("Match. {=Canada -> Ottawa =Italy -> Rome =Japan -> Tokyo = -> Paris}")


def test_matching_counts_right_pairs():
    assert grade(CAPITALS, {0: "Ottawa", 1: "Rome", 2: "Tokyo"}) == GradeResult(1.0, True, [], False)
    assert grade(CAPITALS, {0: "Ottawa", 1: "Tokyo", 2: "Rome"}).score == pytest.approx(1 / 3)
    assert grade(CAPITALS, {0: "Ottawa", 1: "Rome"}).score == pytest.approx(
        2 / 3
    )  # unanswered counts as wrong
    assert grade(CAPITALS, {0: "Paris"}).score == 0.0  # the distractor is a valid, wrong choice


@pytest.mark.parametrize(
    "response", [{3: "Paris"}, {7: "Rome"}, {0: "Berlin"}, {0: 1}, {"0": "Ottawa"}, [0, 1]]
)
def test_matching_invalid_responses(response):
    with pytest.raises(InvalidResponse):
        grade(CAPITALS, response)


# --- ordering, essay, description ---------------------------------------------------------------------------

STEPS = Question("ordering", "Order the steps of a live stream.", answers=[Answer(s, 0.0) for s in "ABCD"])


def test_ordering_scores_items_in_their_right_place():
    assert grade(STEPS, [0, 1, 2, 3]) == GradeResult(1.0, True, [], False)
    assert grade(STEPS, (1, 0, 2, 3)).score == 0.5
    assert grade(STEPS, [3, 2, 1, 0]).score == 0.0
    for response in ([0, 1, 2], [0, 0, 1, 2], [0, 1, 2, 4], {0, 1, 2, 3}, "0123"):
        with pytest.raises(InvalidResponse):
            grade(STEPS, response)


def test_essay_waits_for_a_teacher_and_description_is_not_graded():
    essay = one("Describe your live room. {####Mention lights and sound.}")
    assert grade(essay, "我的直播间……") == GradeResult(0.0, False, [], True)
    with pytest.raises(InvalidResponse):
        grade(essay, None)
    description = one("The next questions are about sound.")
    assert not is_gradable(description) and is_gradable(essay)
    with pytest.raises(NotGradable):
        grade(description, "")


# --- shuffle_options ---------------------------------------------------------------------------------------------


def test_shuffle_options_is_a_deterministic_permutation_and_leaves_the_question_alone():
    before = [a.text for a in HOMETOWN.answers]
    order = shuffle_options(HOMETOWN, random.Random(7))
    assert sorted(order) == list(range(5))
    assert shuffle_options(HOMETOWN, random.Random(7)) == order
    assert [a.text for a in HOMETOWN.answers] == before
    orders = {tuple(shuffle_options(HOMETOWN, random.Random(seed))) for seed in range(30)}
    assert len(orders) > 10  # it does shuffle
    assert sorted(shuffle_options(CAPITALS, random.Random(1))) == [0, 1, 2, 3]


def test_shuffle_options_for_types_without_options_and_for_ordering():
    for source in ("Q {T}", "Q {=a}", "Q {#1}", "Q {}", "Q"):
        assert shuffle_options(one(source), random.Random(0)) == []
    assert all(shuffle_options(STEPS, random.Random(s)) != [0, 1, 2, 3] for s in range(200))
    two = Question("ordering", "Two", answers=[Answer("a", 0.0), Answer("b", 0.0)])
    assert all(shuffle_options(two, random.Random(s)) == [1, 0] for s in range(20))


# --- normalisation helpers ---------------------------------------------------------------------------------------


def test_normalise_answer():
    assert normalise_answer("  ＡＢＣ　１２３。 ") == "abc 123"
    assert normalise_answer("Straße!!") == "strasse"  # casefold, not lower
    assert normalise_answer("a \n\t b") == "a b"
    assert normalise_answer("直播带货，") == "直播带货"
    assert normalise_answer("？！") == "?!"  # only punctuation: kept, so it can still be compared


def test_parse_number():
    assert parse_number("１２．５") == 12.5
    assert parse_number("+3") == 3.0
    assert parse_number("1,234,567.5") == 1234567.5
    assert parse_number("2e3") == 2000.0
    assert parse_number(7) == 7.0
    for bad in ("1 2", "12,34", "0x10", "", float("inf")):
        with pytest.raises(ValueError):
            parse_number(bad)
    with pytest.raises(TypeError):
        parse_number(True)


def test_numerical_answer_matching_edges():
    exact = NumericalAnswer(0.1 + 0.2, 0.0)
    assert exact.matches(0.3)  # float noise is not a wrong answer
    assert not NumericalAnswer(1.0, 0.5).matches(1.6)
    assert NumericalAnswer(None).matches(-1e9)


def test_pairs_and_answers_built_in_code_grade_too():
    q = Question("matching", "M", pairs=[Pair("a", "1"), Pair("b", "2"), Pair("c", "1")])
    assert grade(q, {0: "1", 1: "2", 2: "1"}).correct

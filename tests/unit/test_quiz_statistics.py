"""Item analysis: facility, corrected item-total discrimination, upper-lower 27% index, flags, order."""

import math

import pytest

from lms.quizzes.statistics import (
    AttemptScores,
    ItemResponse,
    ItemStats,
    analyse,
    group_size,
    pearson,
    upper_lower_index,
)


def attempts_from(rows, keys, totals=None):
    """One attempt per row of item scores; the total is the mean item score unless given."""
    return [
        AttemptScores(
            attempt_id=number,
            total=totals[number] if totals else sum(row) / len(row),
            items={key: ItemResponse(float(score)) for key, score in zip(keys, row, strict=True)},
        )
        for number, row in enumerate(rows)
    ]


def by_key(stats):
    return {s.question_key: s for s in stats}


# --- a small example worked by hand -------------------------------------------------------------------------

# Five attempts on three questions, best first. Totals 1, 2/3, 1/3, 1/3, 0.
FIVE = attempts_from([(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 1), (0, 0, 0)], ["q1", "q2", "q3"])


def test_hand_computed_facility_and_discrimination():
    stats = by_key(analyse(FIVE, min_attempts=1))
    # q1: x = 1 1 1 0 0, rest = q2 + q3 = 2 1 0 1 0. mean x 0.6, mean rest 0.8.
    # Sxy = 3 - 5(0.6)(0.8) = 0.6; Sxx = 3 - 5(0.36) = 1.2; Syy = 6 - 5(0.64) = 2.8; r = 0.6 / sqrt(3.36).
    assert stats["q1"].n == 5
    assert stats["q1"].facility == pytest.approx(0.6, abs=1e-12)
    assert stats["q1"].discrimination == pytest.approx(math.sqrt(3 / 28), abs=1e-12)
    # q2: x = 1 1 0 0 0, rest = q1 + q3 = 2 1 1 1 0. Sxy = 3 - 5(0.4)(1) = 1; Sxx = 1.2; Syy = 7 - 5 = 2.
    assert stats["q2"].facility == pytest.approx(0.4, abs=1e-12)
    assert stats["q2"].discrimination == pytest.approx(1 / math.sqrt(2.4), abs=1e-12)
    # q3: x = 1 0 0 1 0, rest = q1 + q2 = 2 2 1 0 0. Sxy = 2 - 5(0.4)(1) = 0: no discrimination at all.
    assert stats["q3"].facility == pytest.approx(0.4, abs=1e-12)
    assert stats["q3"].discrimination == pytest.approx(0.0, abs=1e-12)
    # n = 5: groups of round(1.35) = 1; the best attempt has all three right, the worst none.
    assert [stats[k].discrimination_index for k in ("q1", "q2", "q3")] == [1.0, 1.0, 1.0]
    assert stats["q3"].flags == ["low_discrimination"]
    assert stats["q1"].flags == [] and stats["q2"].flags == []


def test_the_rest_of_the_test_leaves_the_item_out():
    # Uncorrected, q3 would correlate with a total that contains it; corrected it is exactly 0 (above), and
    # the correlation with the full sum is clearly positive.
    x = [1, 0, 0, 1, 0]
    full = [3, 2, 1, 1, 0]
    assert pearson(x, full) > 0.3
    assert by_key(analyse(FIVE, min_attempts=1))["q3"].discrimination == pytest.approx(0.0, abs=1e-12)


def test_partial_credit_scores():
    attempts = attempts_from([(1.0, 1.0), (0.5, 1.0), (0.5, 0.0), (0.0, 0.0)], ["p", "q"])
    p = by_key(analyse(attempts, min_attempts=1))["p"]
    # x = 1 .5 .5 0 (mean .5), rest = q = 1 1 0 0 (mean .5): Sxy = .25+0+0+.25 = .5, Sxx = .5, Syy = 1.
    assert p.facility == 0.5
    assert p.discrimination == pytest.approx(1 / math.sqrt(2), abs=1e-12)
    assert p.discrimination_index == 1.0  # groups of 1: 1.0 - 0.0


# --- the upper and lower 27% ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "k"), [(2, 1), (3, 1), (4, 1), (5, 1), (6, 2), (10, 3), (20, 5), (50, 14), (100, 27), (150, 41)]
)
def test_group_size_is_27_percent_rounded_half_up(n, k):
    assert group_size(n) == k


def test_discrimination_index_compares_the_best_and_worst_27_percent():
    # Ten attempts with totals 0.1 .. 1.0; groups of 3. Right in the attempts with totals 1.0 .9 .8 .6 .3:
    # upper (1.0 .9 .8) 3/3, lower (.1 .2 .3) 1/3.
    totals = [t / 10 for t in range(1, 11)]
    scores = [1.0 if round(t * 10) in (10, 9, 8, 6, 3) else 0.0 for t in totals]
    assert upper_lower_index(scores, totals) == pytest.approx(2 / 3, abs=1e-12)
    # The order of the input does not matter, only the totals.
    assert upper_lower_index(scores[::-1], totals[::-1]) == pytest.approx(2 / 3, abs=1e-12)
    attempts = [
        AttemptScores(f"a{i}", t, {"q": ItemResponse(s), "other": ItemResponse(0.5)})
        for i, (t, s) in enumerate(zip(totals, scores, strict=True))
    ]
    (q,) = [s for s in analyse(attempts, min_attempts=1) if s.question_key == "q"]
    assert q.facility == 0.5
    assert q.discrimination_index == pytest.approx(2 / 3, abs=1e-12)
    assert q.discrimination is None  # the rest of the test ("other") does not vary


def test_ties_in_the_total_keep_input_order():
    # Totals tie across the group boundary: the stable sort puts the later attempt in the upper group.
    assert upper_lower_index([0.0, 1.0, 0.0, 0.0], [0.5, 0.5, 0.5, 0.5]) == 0.0 - 0.0
    assert upper_lower_index([0.0, 0.0, 0.0, 1.0], [0.5, 0.5, 0.5, 0.5]) == 1.0


# --- questions everybody gets right, or wrong ------------------------------------------------------------------


EXTREMES = attempts_from(
    [(1, 0, 1, 1), (1, 0, 1, 0), (1, 0, 0, 1), (1, 0, 0, 0)], ["easy", "hard", "mid", "mid2"]
)


def test_a_question_everybody_gets_right():
    easy = by_key(analyse(EXTREMES, min_attempts=1))["easy"]
    assert easy == ItemStats("easy", 4, 1.0, None, 0.0, {}, ["too_easy"])


def test_a_question_nobody_gets_right():
    hard = by_key(analyse(EXTREMES, min_attempts=1))["hard"]
    assert hard == ItemStats("hard", 4, 0.0, None, 0.0, {}, ["too_hard"])


def test_correlation_and_upper_lower_index_can_disagree():
    # mid: x = 1 1 0 0, rest = 2 1 2 1: r = 0; but the single best attempt has it and the worst does not.
    mid = by_key(analyse(EXTREMES, min_attempts=1))["mid"]
    assert mid.discrimination == pytest.approx(0.0, abs=1e-12)
    assert mid.discrimination_index == 1.0
    assert mid.flags == ["low_discrimination"]


def test_most_problematic_first():
    # low_discrimination before too_hard before too_easy.
    assert [s.question_key for s in analyse(EXTREMES, min_attempts=1)] == ["mid", "mid2", "hard", "easy"]


# --- a question that the weaker learners get right -------------------------------------------------------------

# Eight attempts, strongest first: g1..g3 are answered by the stronger learners, "bad" by the three weakest.
NEGATIVE_ROWS = [
    (1, 1, 1, 0),
    (1, 1, 1, 0),
    (1, 1, 0, 0),
    (1, 1, 0, 0),
    (1, 0, 0, 0),
    (1, 0, 0, 1),
    (0, 0, 0, 1),
    (0, 0, 0, 1),
]
NEGATIVE = attempts_from(NEGATIVE_ROWS, ["g1", "g2", "g3", "bad"])


def test_a_negatively_discriminating_question_is_flagged_and_listed_first():
    stats = analyse(NEGATIVE, min_attempts=8)
    bad = stats[0]
    assert bad.question_key == "bad"
    # x = 0 0 0 0 0 1 1 1 (mean 3/8), rest = 3 3 2 2 1 1 0 0 (mean 1.5).
    # Sxy = 1 - 8(3/8)(1.5) = -3.5; Sxx = 3 - 9/8 = 15/8; Syy = 28 - 18 = 10; r = -3.5 / sqrt(18.75).
    assert bad.facility == 0.375
    assert bad.discrimination == pytest.approx(-7 / (5 * math.sqrt(3)), abs=1e-12)
    # Totals .75 .75 .5 .5 .25 .5 .25 .25; groups of 2: upper = the two .75 (0/2), lower = the first two .25
    # in input order, attempts 4 and 6 (1/2).
    assert bad.discrimination_index == -0.5
    assert bad.flags == ["low_discrimination", "negative_discrimination"]
    # The easy g1 discriminates little; g2 and g3 are fine and come last, lower discrimination first.
    assert [s.question_key for s in stats] == ["bad", "g1", "g2", "g3"]
    assert [s.flags for s in stats[1:]] == [["low_discrimination"], [], []]


def test_few_attempts_suppress_every_other_flag():
    stats = analyse(NEGATIVE)  # 8 attempts < 20 by default
    assert {s.question_key: s.flags for s in stats} == {
        k: ["few_attempts"] for k in ("g1", "g2", "g3", "bad")
    }
    # The numbers are still there for whoever wants them.
    assert by_key(stats)["bad"].discrimination == pytest.approx(-7 / (5 * math.sqrt(3)), abs=1e-12)
    assert by_key(analyse(NEGATIVE, min_attempts=9))["bad"].flags == ["few_attempts"]
    assert "negative_discrimination" in by_key(analyse(NEGATIVE, min_attempts=8))["bad"].flags


def test_twenty_attempts_are_enough_by_default():
    stats = by_key(analyse(NEGATIVE * 3))  # 24 attempts
    assert stats["bad"].flags == ["low_discrimination", "negative_discrimination"]
    assert stats["bad"].n == 24


# --- choices, missing questions, edge cases --------------------------------------------------------------------


def test_choice_counts_most_chosen_first():
    picks = ["Paris", "Lyon", "Paris", None, "Nice", "Lyon", "Paris"]
    attempts = [
        AttemptScores(i, 0.5, {"capital": ItemResponse(1.0 if c == "Paris" else 0.0, c)})
        for i, c in enumerate(picks)
    ]
    (capital,) = analyse(attempts)
    assert capital.choice_counts == {"Paris": 3, "Lyon": 2, "Nice": 1}
    assert list(capital.choice_counts) == ["Paris", "Lyon", "Nice"]
    assert capital.n == 7  # the attempt without a recorded choice still counts for the score


def test_questions_are_analysed_over_the_attempts_that_had_them():
    # Random papers: not everybody gets every question.
    attempts = [
        AttemptScores(1, 1.0, {"a": ItemResponse(1.0), "b": ItemResponse(1.0)}),
        AttemptScores(2, 0.5, {"a": ItemResponse(0.0), "c": ItemResponse(1.0)}),
        AttemptScores(3, 0.0, {"b": ItemResponse(0.0), "c": ItemResponse(0.0)}),
    ]
    stats = by_key(analyse(attempts, min_attempts=1))
    assert {k: s.n for k, s in stats.items()} == {"a": 2, "b": 2, "c": 2}
    assert stats["a"].facility == 0.5
    # a: x = 1 0, rest = b in attempt 1, c in attempt 2 = 1 1: constant, so no correlation.
    assert stats["a"].discrimination is None
    # b: x = 1 0, rest = a, c = 1 0: r = 1.
    assert stats["b"].discrimination == pytest.approx(1.0, abs=1e-12)
    assert stats["b"].discrimination_index == 1.0


def test_a_single_attempt():
    (only,) = analyse([AttemptScores("x", 1.0, {"q": ItemResponse(1.0, "yes")})])
    assert only == ItemStats("q", 1, 1.0, None, None, {"yes": 1}, ["few_attempts"])


def test_no_attempts():
    assert analyse([]) == []
    assert analyse([AttemptScores("empty", 0.0, {})]) == []


@pytest.mark.parametrize("bad", [-0.1, 1.5, math.nan, True, "1"])
def test_scores_and_totals_must_be_in_0_1(bad):
    with pytest.raises(ValueError, match="not a number in 0..1"):
        analyse([AttemptScores("a", bad, {"q": ItemResponse(1.0)})])
    with pytest.raises(ValueError, match="question 'q': score"):
        analyse([AttemptScores("a", 0.5, {"q": ItemResponse(bad)})])


def test_pearson():
    assert pearson([0, 1, 2], [1, 3, 5]) == pytest.approx(1.0)
    assert pearson([0, 1, 2], [5, 3, 1]) == pytest.approx(-1.0)
    assert pearson([1], [1]) is None
    assert pearson([1, 1, 1], [0, 1, 2]) is None
    assert pearson([0.7, 0.7, 0.7], [0, 1, 2]) is None

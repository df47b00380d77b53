"""The mastery model: direction, bounds, decay, difficulty, confidence and levels (docs/skills.md)."""

import itertools
import math
import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from lms.skills.mastery import (
    PRIOR_MEAN,
    Evidence,
    SkillMastery,
    answer,
    assessment,
    compute_mastery,
    decay,
    lesson,
    level_of,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def one(evidence: list[Evidence], now: datetime = NOW, skill: str = "compliance") -> SkillMastery:
    return compute_mastery(evidence, now)[skill]


def answers(n: int, score: float = 1.0, difficulty: int = 2, at: datetime = NOW) -> list[Evidence]:
    return [answer("compliance", score, difficulty, at, f"q{i}") for i in range(n)]


def random_evidence(rng: random.Random, n: int) -> list[Evidence]:
    items: list[Evidence] = []
    for i in range(n):
        at = NOW - rng.uniform(0, 1000) * DAY
        kind = rng.choice(["answer", "answer", "answer", "lesson", "assessment"])
        if kind == "answer":
            items.append(
                answer(
                    "compliance", rng.choice([0.0, 0.5, 1.0, rng.random()]), rng.randint(1, 3), at, f"q{i}"
                )
            )
        elif kind == "lesson":
            items.append(lesson("compliance", at, f"l{i}"))
        else:
            items.append(assessment("compliance", rng.randint(0, 3), at, f"t{i}"))
    return items


def test_no_evidence_gives_nothing_or_the_prior():
    assert compute_mastery([], NOW) == {}
    prior = compute_mastery([], NOW, skills=["beauty"])["beauty"]
    assert prior == SkillMastery("beauty", PRIOR_MEAN, 0.0, 0, "none")


def test_skills_are_kept_apart():
    result = compute_mastery([*answers(3), answer("aigc", 0.0, 1, NOW, "q")], NOW, skills=["aigc", "food"])
    assert set(result) == {"compliance", "aigc", "food"}
    assert result["compliance"].evidence_count == 3
    assert result["aigc"].mastery < PRIOR_MEAN < result["compliance"].mastery
    assert result["food"].evidence_count == 0


def test_correct_answers_raise_and_wrong_answers_lower_mastery():
    base = one(answers(3, 1.0) + answers(2, 0.0))
    assert one(answers(4, 1.0) + answers(2, 0.0)).mastery > base.mastery
    assert one(answers(3, 1.0) + answers(3, 0.0)).mastery < base.mastery
    assert one(answers(1, 0.0)).mastery < PRIOR_MEAN


def test_partial_credit_falls_between_right_and_wrong():
    right, half, wrong = one(answers(4, 1.0)), one(answers(4, 0.5)), one(answers(4, 0.0))
    assert wrong.mastery < half.mastery < right.mastery
    assert wrong.confidence == half.confidence == right.confidence


@pytest.mark.parametrize("seed", range(40))
def test_a_correct_answer_never_lowers_and_a_wrong_one_never_raises_mastery(seed):
    rng = random.Random(seed)
    evidence = random_evidence(rng, rng.randint(0, 30))
    before = compute_mastery(evidence, NOW).get("compliance")
    base = before.mastery if before else PRIOR_MEAN
    extra_at = NOW - rng.uniform(0, 1000) * DAY
    difficulty = rng.randint(1, 3)
    assert one([*evidence, answer("compliance", 1.0, difficulty, extra_at, "x")]).mastery >= base
    assert one([*evidence, answer("compliance", 0.0, difficulty, extra_at, "x")]).mastery <= base


def test_mastery_grows_steadily_with_a_run_of_correct_answers():
    masteries = [one(answers(n)).mastery for n in range(1, 40)]
    assert masteries == sorted(masteries)
    assert len(set(masteries)) == len(masteries)


@pytest.mark.parametrize("seed", range(40))
def test_mastery_and_confidence_stay_within_0_and_1(seed):
    rng = random.Random(1000 + seed)
    for m in compute_mastery(random_evidence(rng, rng.randint(1, 200)), NOW).values():
        assert 0.0 <= m.mastery <= 1.0
        assert 0.0 <= m.confidence <= 1.0
    extreme = one(answers(10_000, 1.0, 3) + [assessment("compliance", 3, NOW, "t")] * 100)
    assert extreme.mastery <= 1.0 and extreme.confidence <= 1.0
    assert one(answers(10_000, 0.0, 3)).mastery >= 0.0


def test_confidence_grows_with_evidence_whatever_the_outcome():
    for score in (0.0, 0.5, 1.0):
        confidences = [one(answers(n, score)).confidence for n in range(1, 30)]
        assert all(a < b for a, b in itertools.pairwise(confidences))
    assert one(answers(1)).confidence > 0.0


def test_harder_questions_count_more_both_ways():
    easy, hard = one(answers(1, 1.0, 1)), one(answers(1, 1.0, 3))
    assert hard.mastery > easy.mastery
    assert hard.confidence > easy.confidence
    assert one(answers(1, 0.0, 3)).mastery < one(answers(1, 0.0, 1)).mastery


def test_half_life_halves_the_weight():
    assert decay(NOW, NOW) == 1.0
    assert decay(NOW - 180 * DAY, NOW) == pytest.approx(0.5)
    assert decay(NOW - 360 * DAY, NOW) == pytest.approx(0.25)
    assert decay(NOW - 30 * DAY, NOW, half_life_days=30) == pytest.approx(0.5)
    # Clock skew: evidence "from the future" counts as fresh, never as more than fresh.
    assert decay(NOW + 10 * DAY, NOW) == 1.0


def test_older_evidence_drifts_back_to_the_prior_with_less_confidence():
    fresh, old, ancient = (
        one(answers(10)),
        one(answers(10, at=NOW - 365 * DAY)),
        one(answers(10, at=NOW - 3000 * DAY)),
    )
    assert fresh.mastery > old.mastery > ancient.mastery > PRIOR_MEAN
    assert fresh.confidence > old.confidence > ancient.confidence
    assert abs(ancient.mastery - PRIOR_MEAN) < 0.05
    # Old mistakes fade too: the host is no longer held to them.
    assert one(answers(10, 0.0)).mastery < one(answers(10, 0.0, at=NOW - 365 * DAY)).mastery < PRIOR_MEAN


def test_evaluating_later_is_the_same_as_older_evidence():
    later = one(answers(5), now=NOW + 200 * DAY)
    assert later == one(answers(5, at=NOW - 200 * DAY))
    assert later.evidence_count == 5


def test_recent_evidence_outweighs_old_evidence():
    old_wrong_new_right = one(answers(5, 0.0, at=NOW - 400 * DAY) + answers(5, 1.0))
    old_right_new_wrong = one(answers(5, 1.0, at=NOW - 400 * DAY) + answers(5, 0.0))
    assert old_wrong_new_right.mastery > 0.5 > old_right_new_wrong.mastery


def test_naive_datetimes_are_read_as_utc():
    naive = NOW.replace(tzinfo=None)
    assert one(answers(3, at=naive - 50 * DAY)) == one(answers(3, at=NOW - 50 * DAY))
    shanghai = timezone(timedelta(hours=8))
    assert one(answers(3, at=(NOW - 50 * DAY).astimezone(shanghai))) == one(answers(3, at=NOW - 50 * DAY))


@pytest.mark.parametrize(
    ("mastery", "confidence", "level"),
    [
        (0.8, 0.75, "expert"),
        (1.0, 1.0, "expert"),
        (0.79, 0.99, "proficient"),
        (0.99, 0.74, "proficient"),
        (0.6, 0.5, "proficient"),
        (0.59, 0.99, "beginner"),
        (0.99, 0.49, "beginner"),
        (0.4, 0.1, "beginner"),
        (0.39, 1.0, "none"),
        (1.0, 0.09, "none"),
        (0.1, 0.0, "none"),
    ],
)
def test_levels_need_mastery_and_confidence(mastery, confidence, level):
    assert level_of(mastery, confidence) == level


def test_one_lucky_answer_is_not_an_expert():
    lucky = one(answers(1, 1.0, 3))
    assert lucky.mastery > 0.5
    assert lucky.level == "beginner"
    # Even a short lucky streak of hard answers stays below expert.
    assert one(answers(4, 1.0, 3)).level != "expert"


def test_a_quiz_makes_proficient_and_more_evidence_makes_expert():
    # A 12-question final quiz of medium questions with 9 right (75 %).
    quiz = answers(9, 1.0) + answers(3, 0.0)
    assert one(quiz).level == "proficient"
    assert one(answers(12, 1.0)).level == "proficient"
    assert one(answers(12, 1.0) + [assessment("compliance", 3, NOW, "trainer")]).level == "expert"
    assert one(answers(24, 1.0)).level == "expert"
    # Half right is not yet a working level.
    assert one(answers(6, 1.0) + answers(6, 0.0)).level == "beginner"


def test_trainer_assessments_are_strong_evidence():
    assert [one([assessment("compliance", lv, NOW, "t")]).level for lv in range(4)] == [
        "none",
        "beginner",
        "proficient",
        "proficient",  # one rating alone is never enough for expert
    ]
    assert one([assessment("compliance", 3, NOW, "t")] * 3).level == "expert"
    assert one([assessment("compliance", 2, NOW, "t")]).confidence > one(answers(5)).confidence


def test_an_expert_level_lapses_without_fresh_evidence():
    evidence = answers(12) + [assessment("compliance", 3, NOW, "t")]
    assert one(evidence).level == "expert"
    assert one(evidence, now=NOW + 200 * DAY).level == "proficient"
    assert one(evidence, now=NOW + 500 * DAY).level == "beginner"
    assert one(evidence, now=NOW + 2000 * DAY).level == "none"


def test_lessons_are_weak_evidence_capped_below_proficient():
    one_lesson = one([lesson("compliance", NOW, "l1")])
    assert one_lesson.mastery > PRIOR_MEAN
    assert one_lesson.confidence < one(answers(1, 1.0, 1)).confidence
    many = one([lesson("compliance", NOW, f"l{i}") for i in range(50)])
    assert many.level == "beginner"
    assert many.evidence_count == 50
    # The cap: beyond four fresh lessons, more reading adds nothing.
    four = one([lesson("compliance", NOW, f"l{i}") for i in range(4)])
    assert (many.mastery, many.confidence) == pytest.approx((four.mastery, four.confidence))


def test_lessons_add_to_answers_but_never_lower_them():
    with_lessons = one(answers(5) + [lesson("compliance", NOW, f"l{i}") for i in range(3)])
    assert with_lessons.mastery > one(answers(5)).mastery
    assert with_lessons.confidence > one(answers(5)).confidence


@pytest.mark.parametrize(
    "make",
    [
        lambda: Evidence("compliance", "quiz", 1.0, 1, NOW, "s"),  # type: ignore[arg-type]
        lambda: Evidence("compliance", "answer", 1.5, 1, NOW, "s"),
        lambda: Evidence("compliance", "answer", -0.1, 1, NOW, "s"),
        lambda: Evidence("compliance", "answer", math.nan, 1, NOW, "s"),
        lambda: Evidence("compliance", "answer", 1.0, 4, NOW, "s"),
        lambda: Evidence("compliance", "answer", 1.0, 0, NOW, "s"),
        lambda: Evidence("", "answer", 1.0, 1, NOW, "s"),
        lambda: assessment("compliance", 4, NOW, "s"),
    ],
)
def test_bad_evidence_is_refused(make):
    with pytest.raises(ValueError):
        make()


def test_difficulty_is_ignored_for_lessons_and_assessments():
    assert Evidence("compliance", "lesson", 1.0, 0, NOW, "s").difficulty == 0
    a = one([Evidence("compliance", "assessment", 0.7, 3, NOW, "s")])
    assert a == one([Evidence("compliance", "assessment", 0.7, 1, NOW, "s")])


def test_a_bad_half_life_is_refused():
    for half_life in (0, -5, math.inf, math.nan):
        with pytest.raises(ValueError):
            compute_mastery(answers(1), NOW, half_life_days=half_life)

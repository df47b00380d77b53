"""Skill mastery from evidence: a Beta model with weighted, decaying evidence. Pure: evidence in, masteries out.

The model (documented with worked examples in docs/skills.md):

- Each skill has a Beta(alpha, beta) belief about the share of the skill a host has mastered. The prior is
  Beta(0.2, 1.8): mean 0.1 ("not yet shown") and strength 2, so it is quickly overruled by real evidence.
- A piece of evidence with score s in 0..1 and weight w adds w*s to alpha and w*(1-s) to beta, so correct answers
  raise mastery, wrong ones lower it, and partial credit falls in between.
- The weight is the kind's weight times an exponential decay: w = kind_weight * 0.5 ** (age_days / half_life).
  Answers weigh 1.0 / 1.5 / 2.0 by difficulty 1 / 2 / 3, a lesson completion 0.5 (lessons of one skill count for
  at most 2.0 together: reading is not doing), a trainer's rubric assessment 12 (about a whole quiz).
- mastery = alpha / (alpha + beta), the posterior mean.
- confidence = n / (n + K) with n the decayed evidence weight and K = 10: 0 without evidence, 0.5 at n = K,
  growing with evidence whatever its outcome, and fading as the evidence ages.
- The level needs mastery AND confidence, so one lucky answer never makes an expert.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

Kind = Literal["answer", "lesson", "assessment"]
Level = Literal["none", "beginner", "proficient", "expert"]

KINDS: tuple[str, ...] = ("answer", "lesson", "assessment")
LEVELS: tuple[Level, ...] = ("none", "beginner", "proficient", "expert")

# Prior: mean 0.1 so an unmeasured or long-unpractised skill reads as "not yet shown"; strength 2 (two easy
# questions) so a handful of answers outweighs it.
PRIOR_MEAN = 0.1
PRIOR_STRENGTH = 2.0
PRIOR_ALPHA = PRIOR_MEAN * PRIOR_STRENGTH
PRIOR_BETA = (1.0 - PRIOR_MEAN) * PRIOR_STRENGTH

# A hard question is harder to guess and shows more of the skill, so it moves the belief further either way.
DIFFICULTY_WEIGHTS: dict[int, float] = {1: 1.0, 2: 1.5, 3: 2.0}
LESSON_WEIGHT = 0.5
# Lessons are capped per skill so that completing many pages can reach "beginner" but never "proficient".
LESSON_CAP = 2.0
# A trainer watching a real stream against a rubric is worth about one quiz of 8 medium questions.
ASSESSMENT_WEIGHT = 12.0
# Rubric levels 0..3 map into the middle or top of the mastery band of the same level (see LEVEL_RULES), so
# repeated assessments at one level converge on that level.
ASSESSMENT_SCORES: tuple[float, ...] = (0.0, 0.5, 0.7, 1.0)

DEFAULT_HALF_LIFE_DAYS = 180.0
# Evidence weight at which confidence is 0.5.
CONFIDENCE_K = 10.0

# (level, minimum mastery, minimum confidence), highest first. Confidence 0.1 / 0.5 / 0.75 means a decayed
# evidence weight of about 1.1 / 10 / 30: one medium answer; one trainer assessment or most of a quiz; a
# trainer assessment plus a full quiz, or two quizzes' worth of answers.
LEVEL_RULES: tuple[tuple[Level, float, float], ...] = (
    ("expert", 0.8, 0.75),
    ("proficient", 0.6, 0.5),
    ("beginner", 0.4, 0.1),
)
# Float sums of decayed weights can land a hair below a threshold that the same evidence meets exactly.
_EPS = 1e-9


@dataclass(frozen=True)
class Evidence:
    """One observation about one skill. ``score`` is 0..1; ``difficulty`` (1..3) matters only for answers."""

    skill: str
    kind: Kind
    score: float
    difficulty: int
    at: datetime
    source: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown evidence kind {self.kind!r}")
        if not (
            isinstance(self.score, (int, float)) and math.isfinite(self.score) and 0.0 <= self.score <= 1.0
        ):
            raise ValueError(f"score must be within 0..1, got {self.score!r}")
        # Only answers use difficulty; lessons and assessments may carry any value there.
        if self.kind == "answer" and self.difficulty not in DIFFICULTY_WEIGHTS:
            raise ValueError(f"difficulty must be 1, 2 or 3, got {self.difficulty!r}")
        if not self.skill:
            raise ValueError("evidence needs a skill id")


@dataclass(frozen=True)
class SkillMastery:
    skill: str
    mastery: float
    confidence: float
    evidence_count: int
    level: Level


def answer(skill: str, score: float, difficulty: int, at: datetime, source: str) -> Evidence:
    """A graded quiz answer (score 0..1, partial credit allowed)."""
    return Evidence(skill, "answer", float(score), difficulty, at, source)


def lesson(skill: str, at: datetime, source: str) -> Evidence:
    """A lesson completion: weak, positive evidence."""
    return Evidence(skill, "lesson", 1.0, 1, at, source)


def assessment(skill: str, level: int, at: datetime, source: str) -> Evidence:
    """A trainer's rubric assessment at level 0..3 (none, beginner, proficient, expert)."""
    if level not in range(len(ASSESSMENT_SCORES)):
        raise ValueError(f"assessment level must be 0..3, got {level!r}")
    return Evidence(skill, "assessment", ASSESSMENT_SCORES[level], 1, at, source)


def decay(at: datetime, now: datetime, half_life_days: float = DEFAULT_HALF_LIFE_DAYS) -> float:
    """0.5 ** (age / half-life); evidence from the future (clock skew) counts as fresh, never more."""
    age_days = (_utc(now) - _utc(at)).total_seconds() / 86400.0
    return 0.5 ** (max(age_days, 0.0) / half_life_days)


def kind_weight(item: Evidence) -> float:
    if item.kind == "answer":
        return DIFFICULTY_WEIGHTS[item.difficulty]
    if item.kind == "lesson":
        return LESSON_WEIGHT
    return ASSESSMENT_WEIGHT


def confidence_of(weight: float) -> float:
    return weight / (weight + CONFIDENCE_K) if weight > 0 else 0.0


def level_of(mastery: float, confidence: float) -> Level:
    for level, min_mastery, min_confidence in LEVEL_RULES:
        if mastery >= min_mastery - _EPS and confidence >= min_confidence - _EPS:
            return level
    return "none"


def unmeasured(skill: str) -> SkillMastery:
    """A skill with no evidence: the prior, with no confidence."""
    return SkillMastery(skill, PRIOR_MEAN, 0.0, 0, "none")


def compute_mastery(
    evidence: Iterable[Evidence],
    now: datetime,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    skills: Iterable[str] = (),
) -> dict[str, SkillMastery]:
    """Mastery per skill that has evidence, plus the prior for each id in ``skills`` that has none."""
    if not (half_life_days > 0 and math.isfinite(half_life_days)):
        raise ValueError("half_life_days must be a positive number")
    # Per skill: [positive weight, negative weight] from answers and assessments, the same from lessons, count.
    main: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    lessons: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    counts: dict[str, int] = defaultdict(int)
    for item in evidence:
        weight = kind_weight(item) * decay(item.at, now, half_life_days)
        bucket = lessons if item.kind == "lesson" else main
        bucket[item.skill][0] += weight * item.score
        bucket[item.skill][1] += weight * (1.0 - item.score)
        counts[item.skill] += 1

    result: dict[str, SkillMastery] = {}
    for skill, count in counts.items():
        pos, neg = main[skill]
        lesson_pos, lesson_neg = lessons[skill]
        lesson_total = lesson_pos + lesson_neg
        if lesson_total > LESSON_CAP:
            # Scale rather than drop, so recent lessons still outweigh old ones inside the cap.
            scale = LESSON_CAP / lesson_total
            lesson_pos, lesson_neg = lesson_pos * scale, lesson_neg * scale
        alpha = PRIOR_ALPHA + pos + lesson_pos
        beta = PRIOR_BETA + neg + lesson_neg
        weight = pos + neg + lesson_pos + lesson_neg
        mastery = _clamp(alpha / (alpha + beta))
        confidence = _clamp(confidence_of(weight))
        result[skill] = SkillMastery(skill, mastery, confidence, count, level_of(mastery, confidence))
    for skill in skills:
        result.setdefault(skill, unmeasured(skill))
    return result


def level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else 0


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _utc(moment: datetime) -> datetime:
    # The database may hand back naive datetimes; the platform stores UTC, so read them as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment

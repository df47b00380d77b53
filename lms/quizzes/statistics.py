"""Classical item analysis of a quiz's questions, for trainers: pure functions, no I/O.

Input: one :class:`AttemptScores` per attempt (only first attempts, ideally, as Moodle's report does by
default: later attempts break the assumptions of item analysis). ``total`` is the attempt's grade, 0..1;
``items`` maps each question the attempt was given to its :class:`ItemResponse`: the score, 0..1, and the
choice made (the option or answer text, for counting how often each was picked; ``None`` when there is none
to count). An attempt only counts for the questions in its ``items``, so papers drawn at random from a bank
(:mod:`lms.quizzes.paper`) are fine: each question is analysed over the attempts that were given it.

Notation, for question *i*: over the ``n`` attempts that include it, ``x`` is the question's score and
``X = (sum of the attempt's item scores) - x`` is the *rest of the test*, the total of the OTHER items.

Formulas, following Moodle's quiz statistics report (MoodleDocs, "Quiz statistics calculations"):

- **facility** (Moodle's facility index ``F = (mean(x) - x_min) / (x_max - x_min)``): with scores already
  on 0..1 it is the mean score ``sum(x) / n``. 1 = everybody right, 0 = everybody wrong.
- **discrimination** (Moodle's "discrimination index" ``D = 100 r(x, X)``, given here as ``r`` in -1..1):
  the Pearson correlation between the item score and the rest of the test, the *corrected* item-total
  point-biserial correlation when ``x`` is 0/1::

      r = sum((x - mean(x)) * (X - mean(X))) / sqrt(sum((x - mean(x))**2) * sum((X - mean(X))**2))

  Leaving the item out of the total keeps it from correlating with itself. ``None`` when ``n < 2`` or when
  ``x`` or ``X`` does not vary (everybody got the question right, say): no correlation is defined.
- **discrimination_index**: the classical upper-lower index (Kelley's 27%), the measure Moodle's report
  replaced by the correlation above. Sort the ``n`` attempts by ``total`` (ties keep input order); with
  ``k = round(0.27 n)`` (half up, at least 1) the upper group is the ``k`` best attempts and the lower group
  the ``k`` worst, and the index is ``mean(x in upper) - mean(x in lower)``, -1..1. ``None`` when ``n < 2``.
- Moodle's *discriminative efficiency* (``100 C(x, X) / C_max(x, X)``, the covariance over the largest
  covariance the same two distributions could have) is not computed here.

Flags (thresholds on the 0..1 scales above): ``too_easy`` facility > 0.9, ``too_hard`` facility < 0.2,
``low_discrimination`` discrimination < 0.2, ``negative_discrimination`` discrimination < 0 (a negative
item also has ``low_discrimination``); no discrimination flag when it is ``None``. With fewer than
``min_attempts`` attempts the numbers are too noisy to judge: the only flag is ``few_attempts``.

:func:`analyse` lists the most problematic questions first: by their worst flag
(``negative_discrimination``, ``low_discrimination``, ``too_hard``, ``too_easy``, ``few_attempts``, none),
then by number of flags, then by discrimination (lowest first, ``None`` last), then in first-seen order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

EASY_ABOVE = 0.9
HARD_BELOW = 0.2
LOW_DISCRIMINATION_BELOW = 0.2
GROUP_PERCENT = 27
DEFAULT_MIN_ATTEMPTS = 20

# Worst first; an item's place in the report is decided by its worst flag.
FLAG_SEVERITY = {
    "negative_discrimination": 5,
    "low_discrimination": 4,
    "too_hard": 3,
    "too_easy": 2,
    "few_attempts": 1,
}


@dataclass(frozen=True)
class ItemResponse:
    score: float  # 0..1
    choice: str | None = None  # the option or answer text chosen, for choice_counts


@dataclass(frozen=True)
class AttemptScores:
    attempt_id: Hashable
    total: float  # the attempt's grade, 0..1
    items: Mapping[Hashable, ItemResponse] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemStats:
    question_key: Hashable
    n: int  # attempts that included the question
    facility: float  # mean score, 0..1
    discrimination: float | None  # corrected item-total correlation, -1..1
    discrimination_index: float | None  # upper 27% facility minus lower 27% facility, -1..1
    choice_counts: dict[str, int]  # most chosen first
    flags: list[str]


def analyse(attempts: Sequence[AttemptScores], min_attempts: int = DEFAULT_MIN_ATTEMPTS) -> list[ItemStats]:
    """Item statistics for every question seen in ``attempts``, most problematic first. ``ValueError`` on
    a score or total outside 0..1 (or NaN)."""
    for attempt in attempts:
        _check(attempt.total, f"attempt {attempt.attempt_id!r}: total")
        for key, response in attempt.items.items():
            _check(response.score, f"attempt {attempt.attempt_id!r}, question {key!r}: score")
    keys = list(dict.fromkeys(key for attempt in attempts for key in attempt.items))
    stats = [_item_stats(key, attempts, min_attempts) for key in keys]
    order = {key: position for position, key in enumerate(keys)}
    return sorted(stats, key=lambda s: _problem_rank(s, order[s.question_key]))


def _check(value: float, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{what} {value!r} is not a number in 0..1")


def _item_stats(key: Hashable, attempts: Sequence[AttemptScores], min_attempts: int) -> ItemStats:
    taking = [a for a in attempts if key in a.items]
    scores = [a.items[key].score for a in taking]
    rests = [math.fsum(r.score for k, r in a.items.items() if k != key) for a in taking]
    n = len(taking)
    facility = math.fsum(scores) / n
    discrimination = pearson(scores, rests)
    index = upper_lower_index(scores, [a.total for a in taking])
    choices: Counter[str] = Counter(c for a in taking if (c := a.items[key].choice) is not None)
    counts = dict(sorted(choices.items(), key=lambda kv: (-kv[1], kv[0])))
    return ItemStats(
        key, n, facility, discrimination, index, counts, _flags(n, facility, discrimination, min_attempts)
    )


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; ``None`` for fewer than 2 pairs or when either side is constant."""
    n = len(xs)
    if n < 2 or len(set(xs)) == 1 or len(set(ys)) == 1:
        return None
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def group_size(n: int) -> int:
    """Attempts in each of the upper and lower groups: 27% of ``n`` rounded half up, at least 1."""
    return max(1, (GROUP_PERCENT * n + 50) // 100)


def upper_lower_index(scores: Sequence[float], totals: Sequence[float]) -> float | None:
    """Mean score of the best 27% (by total) minus that of the worst 27%; ``None`` for fewer than 2."""
    n = len(scores)
    if n < 2:
        return None
    k = group_size(n)
    ranked = [score for _, score in sorted(zip(totals, scores, strict=True), key=lambda pair: pair[0])]
    return math.fsum(ranked[-k:]) / k - math.fsum(ranked[:k]) / k


def _flags(n: int, facility: float, discrimination: float | None, min_attempts: int) -> list[str]:
    if n < min_attempts:
        return ["few_attempts"]
    flags = []
    if facility > EASY_ABOVE:
        flags.append("too_easy")
    if facility < HARD_BELOW:
        flags.append("too_hard")
    if discrimination is not None and discrimination < LOW_DISCRIMINATION_BELOW:
        flags.append("low_discrimination")
    if discrimination is not None and discrimination < 0:
        flags.append("negative_discrimination")
    return flags


def _problem_rank(stats: ItemStats, first_seen: int) -> tuple[int, int, bool, float, int]:
    worst = max((FLAG_SEVERITY[f] for f in stats.flags), default=0)
    d = stats.discrimination
    return (-worst, -len(stats.flags), d is None, 0.0 if d is None else d, first_seen)

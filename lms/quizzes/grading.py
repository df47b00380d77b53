"""Grading one response to one question: pure functions, no I/O.

``grade(question, response)`` takes the response in the shape the question type expects:

=============  ==========================================================================================
type           response
=============  ==========================================================================================
multichoice    ``int``: index into ``question.answers``
multiresponse  ``set``/``frozenset``/``list``/``tuple`` of ``int`` indices, no duplicates; empty: none chosen.
               Score = sum of the chosen answers' fractions (negative ones subtract), clamped to 0..1
truefalse      ``bool``
shortanswer    ``str``: compared after :func:`~lms.quizzes.normalise.normalise_answer` (NFKC, casefold,
               whitespace, trailing punctuation); score = best matching answer's fraction. An answer that is
               exactly ``*`` matches anything (Moodle's catch-all, usually 0% with feedback)
numerical      ``str``, ``int`` or ``float`` (not ``bool``); strings may use full-width digits and ``1,200``.
               Score = best fraction among answers with ``|x - value| <= tolerance``
matching       ``dict[int, str]``: index into ``question.pairs`` → chosen answer text. Missing keys count as
               wrong; score = right pairs / pairs that have a question (distractors are not asked)
ordering       ``list``/``tuple`` of ``int``: indices into ``question.answers`` in the order the learner put
               them (``answers`` lists the items in the right order). Score = items in the right place / items
essay          ``str``: ``needs_manual=True``, score 0 until a teacher grades it
description    not graded: :func:`grade` raises :class:`NotGradable`
=============  ==========================================================================================

A response of the wrong type, an index out of range, or a string that is not a number for a numerical question
raises :class:`InvalidResponse`: the caller should ask again rather than record a wrong answer.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lms.quizzes.normalise import normalise_answer, parse_number
from lms.quizzes.questions import Question

# The parser accepts multiple-response weights adding up to 100% ± 0.5% (e.g. 3 × 33.33%); such a full set of
# right choices must grade as 1.0, not 0.9999.
FULL_MARK_TOLERANCE = 0.005


@dataclass(frozen=True)
class GradeResult:
    score: float  # 0.0 .. 1.0
    correct: bool  # full marks
    feedback: list[str] = field(default_factory=list)  # per-answer feedback of what was chosen
    needs_manual: bool = False


class InvalidResponse(ValueError):
    """The response does not fit the question: wrong type, unknown index, not a number…"""


class NotGradable(ValueError):
    """The question carries no mark (a description)."""


def is_gradable(question: Question) -> bool:
    return question.type != "description"


def grade(question: Question, response: Any) -> GradeResult:
    grader = _GRADERS.get(question.type)
    if grader is None:
        raise NotGradable(f"{question.type} questions are not graded")
    return grader(question, response)


def shuffle_options(question: Question, rng: random.Random) -> list[int]:
    """A presentation order: a permutation of ``answers`` indices (choices, ordering items) or of
    ``pairs`` indices (the order in which to list a matching question's answer choices); ``[]`` for types
    without options. Deterministic for a seeded ``rng``; the question is not changed. An ordering question
    never comes out already in the right order."""
    if question.type in ("multichoice", "multiresponse", "ordering"):
        count = len(question.answers)
    elif question.type == "matching":
        count = len(question.pairs)
    else:
        return []
    order = list(range(count))
    rng.shuffle(order)
    if question.type == "ordering" and count > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order


def _result(score: float, feedback: list[str | None]) -> GradeResult:
    score = min(1.0, max(0.0, score))
    return GradeResult(score, score == 1.0, [f for f in feedback if f])


def _index(value: Any, size: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidResponse(f"{what} must be an int index, got {type(value).__name__}")
    if not 0 <= value < size:
        raise InvalidResponse(f"{what} {value} is out of range 0..{size - 1}")
    return value


def _multichoice(question: Question, response: Any) -> GradeResult:
    answer = question.answers[_index(response, len(question.answers), "answer index")]
    return _result(answer.fraction, [answer.feedback])


def _multiresponse(question: Question, response: Any) -> GradeResult:
    if not isinstance(response, (set, frozenset, list, tuple)):
        raise InvalidResponse(
            f"a multiple-response answer is a set or list of indices, got {type(response).__name__}"
        )
    chosen = [_index(i, len(question.answers), "answer index") for i in response]
    if len(set(chosen)) != len(chosen):
        raise InvalidResponse("an answer index is chosen more than once")
    chosen.sort()
    answers = [question.answers[i] for i in chosen]
    total = sum(a.fraction for a in answers)
    if abs(total - 1.0) < FULL_MARK_TOLERANCE:
        total = 1.0
    return _result(total, [a.feedback for a in answers])


def _truefalse(question: Question, response: Any) -> GradeResult:
    if not isinstance(response, bool):
        raise InvalidResponse(f"a true/false answer is a bool, got {type(response).__name__}")
    feedback = question.feedback_true if response else question.feedback_false
    return _result(1.0 if response == question.correct else 0.0, [feedback])


def _shortanswer(question: Question, response: Any) -> GradeResult:
    if not isinstance(response, str):
        raise InvalidResponse(f"a short answer is a str, got {type(response).__name__}")
    given = normalise_answer(response)
    matching = [a for a in question.answers if (a.text == "*" and given) or normalise_answer(a.text) == given]
    if not matching:
        return _result(0.0, [])
    # A real match beats the "*" catch-all at equal credit: its feedback is the more specific one.
    best = max(matching, key=lambda a: (a.fraction, a.text != "*"))
    return _result(best.fraction, [best.feedback])


def _numerical(question: Question, response: Any) -> GradeResult:
    if not isinstance(response, (str, int, float)) or isinstance(response, bool):
        raise InvalidResponse(f"a numerical answer is a str or a number, got {type(response).__name__}")
    try:
        number = parse_number(response)
    except ValueError as exc:
        raise InvalidResponse(str(exc)) from exc
    matching = [a for a in question.numerical if a.matches(number)]
    if not matching:
        return _result(0.0, [])
    best = max(matching, key=lambda a: (a.fraction, a.value is not None))
    return _result(best.fraction, [best.feedback])


def _matching(question: Question, response: Any) -> GradeResult:
    if not isinstance(response, dict):
        raise InvalidResponse(
            f"a matching answer is a dict of pair index to answer text, got {type(response).__name__}"
        )
    asked = [i for i, pair in enumerate(question.pairs) if pair.question]
    offered = {pair.answer for pair in question.pairs}
    right = 0
    for key, value in response.items():
        index = _index(key, len(question.pairs), "pair index")
        if index not in asked:
            raise InvalidResponse(f"pair {index} is a distractor, not a question")
        if not isinstance(value, str) or value not in offered:
            raise InvalidResponse(f"{value!r} is not one of the answers on offer")
        right += value == question.pairs[index].answer
    return _result(right / len(asked) if asked else 0.0, [])


def _ordering(question: Question, response: Any) -> GradeResult:
    if not isinstance(response, (list, tuple)):
        raise InvalidResponse(f"an ordering answer is a list of indices, got {type(response).__name__}")
    size = len(question.answers)
    order = [_index(i, size, "item index") for i in response]
    if sorted(order) != list(range(size)):
        raise InvalidResponse(f"an ordering answer must use each of the {size} items exactly once")
    in_place = sum(1 for position, item in enumerate(order) if position == item)
    return _result(in_place / size if size else 0.0, [])


def _essay(question: Question, response: Any) -> GradeResult:
    if not isinstance(response, str):
        raise InvalidResponse(f"an essay answer is a str, got {type(response).__name__}")
    return GradeResult(0.0, False, [], needs_manual=True)


_GRADERS: dict[str, Callable[[Question, Any], GradeResult]] = {
    "multichoice": _multichoice,
    "multiresponse": _multiresponse,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
    "essay": _essay,
}

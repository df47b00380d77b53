"""The quiz question model shared by the GIFT parser, the GIFT exporter and the graders.

Pure data and pure functions: no Flask, no database, so the same objects serve the CLI, the web and tests.
Everything here is re-exported by :mod:`lms.quizzes.gift`; import it from there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

QuestionType = Literal[
    "multichoice",  # one choice (GIFT: some answer marked '='; each '=' answer is worth 100%), others may weigh less
    "multiresponse",  # several choices (GIFT: no '=' answer); weights of the chosen answers are added up
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "essay",  # graded by a teacher
    "description",  # text only, never graded
    "ordering",  # GIFT: a short-answer block tagged [tag:type:ordering]; answers listed in the right order
]
TextFormat = Literal["moodle", "html", "markdown", "plain"]

QUESTION_TYPES: tuple[str, ...] = get_args(QuestionType)
TEXT_FORMATS: tuple[str, ...] = get_args(TextFormat)
DEFAULT_DIFFICULTY = 2
SKILL_PREFIX = "skill:"
DIFFICULTY_PREFIX = "difficulty:"
DIFFICULTIES = ("1", "2", "3")
#: The Moodle tag that makes a GIFT short-answer block an ordering question (the type; not kept as a tag).
ORDERING_TAG = "type:ordering"
MIN_ORDERING_ITEMS = 3


@dataclass
class Answer:
    """A choice (multichoice, multiresponse, ordering item) or an accepted short answer."""

    text: str
    fraction: float  # share of the mark; Moodle allows weights past ±100% (a score is capped at 0..1)
    feedback: str | None = None
    format: TextFormat | None = None  # GIFT's per-part "[html]" etc.; None: the question's format
    feedback_format: TextFormat | None = None


@dataclass
class NumericalAnswer:
    """``value ± tolerance`` earns ``fraction``; ``value=None`` is Moodle's ``*``: any other number."""

    value: float | None
    tolerance: float = 0.0
    fraction: float = 1.0
    feedback: str | None = None
    feedback_format: TextFormat | None = None  # None: the question's format

    def matches(self, number: float) -> bool:
        if self.value is None:
            return True
        # A little slack so that a range written as 3.141..3.142 still accepts 3.142 after float rounding.
        slack = 1e-9 * max(1.0, abs(self.value))
        return abs(number - self.value) <= self.tolerance + slack


@dataclass
class Pair:
    """A matching pair; an empty ``question`` is a distractor: an extra wrong answer on offer."""

    question: str
    answer: str
    format: TextFormat | None = None  # of ``question`` (the answer is plain text, as in Moodle); None: the question's


@dataclass
class Question:
    type: QuestionType
    text: str  # escapes resolved, stripped; a missing-word blank is "_____"
    name: str | None = None
    category: str | None = None
    format: TextFormat = "moodle"
    answers: list[Answer] = field(default_factory=list)  # multichoice, multiresponse, shortanswer, ordering
    correct: bool | None = None  # truefalse
    feedback_true: str | None = None  # truefalse: shown to whoever answers "true"
    feedback_false: str | None = None  # truefalse: shown to whoever answers "false"
    numerical: list[NumericalAnswer] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    general_feedback: str | None = None
    id_number: str | None = None
    tags: list[str] = field(default_factory=list)
    # Per-part formats ("[html]" in front of a feedback); None: the question's format.
    feedback_true_format: TextFormat | None = None
    feedback_false_format: TextFormat | None = None
    general_feedback_format: TextFormat | None = None
    # Where the question was read from; two questions read from different places are still equal.
    line: int = field(default=0, compare=False)

    @property
    def skills(self) -> list[str]:
        """Skill ids from ``[tag:skill:<id>]`` tags, in file order."""
        return [t[len(SKILL_PREFIX) :].strip() for t in self.tags if t.startswith(SKILL_PREFIX)]

    @property
    def difficulty(self) -> int:
        """1 (easy) .. 3 (hard) from a ``[tag:difficulty:<n>]`` tag; 2 when there is none."""
        for tag in self.tags:
            if tag.startswith(DIFFICULTY_PREFIX):
                value = tag[len(DIFFICULTY_PREFIX) :].strip()
                if value in DIFFICULTIES:
                    return int(value)
        return DEFAULT_DIFFICULTY


def to_dict(question: Question) -> dict[str, Any]:
    """A JSON-ready dict. Every key is always present, so readers never need ``.get``: lists that do not
    apply to the type are ``[]`` (``answers`` outside multichoice/multiresponse/shortanswer/ordering,
    ``numerical``, ``pairs``) and fields that do not apply are ``None`` (``correct``, ``feedback_true``,
    ``feedback_false``)."""
    return {
        "type": question.type,
        "name": question.name,
        "category": question.category,
        "format": question.format,
        "text": question.text,
        "answers": [
            {"text": a.text, "fraction": a.fraction, "feedback": a.feedback, "format": a.format,
             "feedback_format": a.feedback_format}
            for a in question.answers
        ],
        "correct": question.correct,
        "feedback_true": question.feedback_true,
        "feedback_false": question.feedback_false,
        "numerical": [
            {"value": n.value, "tolerance": n.tolerance, "fraction": n.fraction, "feedback": n.feedback,
             "feedback_format": n.feedback_format}
            for n in question.numerical
        ],
        "pairs": [{"question": p.question, "answer": p.answer, "format": p.format} for p in question.pairs],
        "general_feedback": question.general_feedback,
        "feedback_true_format": question.feedback_true_format,
        "feedback_false_format": question.feedback_false_format,
        "general_feedback_format": question.general_feedback_format,
        "line": question.line,
        "tags": list(question.tags),
        "id_number": question.id_number,
    }


def from_dict(data: dict[str, Any]) -> Question:
    """The inverse of :func:`to_dict`, for questions stored as JSON. ``ValueError`` on a malformed dict."""
    kind = data.get("type")
    if kind not in QUESTION_TYPES:
        raise ValueError(f"unknown question type {kind!r}")
    fmt = data.get("format") or "moodle"
    if fmt not in TEXT_FORMATS:
        raise ValueError(f"unknown text format {fmt!r}")
    try:
        return Question(
            type=cast(QuestionType, kind),
            text=str(data["text"]),
            name=data.get("name"),
            category=data.get("category"),
            format=cast(TextFormat, fmt),
            answers=[
                Answer(str(a["text"]), _fraction(a["fraction"]), a.get("feedback"), _format(a.get("format")),
                       _format(a.get("feedback_format")))
                for a in data.get("answers", [])
            ],
            correct=data.get("correct"),
            feedback_true=data.get("feedback_true"),
            feedback_false=data.get("feedback_false"),
            numerical=[
                NumericalAnswer(
                    None if n["value"] is None else float(n["value"]),
                    float(n.get("tolerance", 0.0)),
                    _fraction(n.get("fraction", 1.0)),
                    n.get("feedback"),
                    _format(n.get("feedback_format")),
                )
                for n in data.get("numerical", [])
            ],
            pairs=[Pair(str(p["question"]), str(p["answer"]), _format(p.get("format"))) for p in data.get("pairs", [])],
            general_feedback=data.get("general_feedback"),
            feedback_true_format=_format(data.get("feedback_true_format")),
            feedback_false_format=_format(data.get("feedback_false_format")),
            general_feedback_format=_format(data.get("general_feedback_format")),
            id_number=data.get("id_number"),
            tags=[str(t) for t in data.get("tags", [])],
            line=int(data.get("line", 0)),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed question dict: {exc!r}") from exc


def _fraction(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"fraction {value!r} is not a finite number")
    return number


def _format(value: Any) -> TextFormat | None:
    if value is None:
        return None
    if value not in TEXT_FORMATS:
        raise ValueError(f"unknown text format {value!r}")
    return cast(TextFormat, value)

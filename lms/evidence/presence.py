"""Presence checks (在场确认): what is asked, when the next one comes, and whether an answer is right. Pure.

A check asks the host to tap one of several shown numbers, to answer a one-line sum, or, when the lesson gives
material for it, a one-line question from the lesson: one the course declares for the lesson (``presence_questions``
in its front matter, see docs/course-format.md), or "which of these headings is in this lesson?" with headings of
the course's other lessons as the wrong choices. Each prompt differs from the one before, its answer stays on the
server, and it must be answered before it expires. The page only shows the prompt; a script that does not read it
cannot answer it.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

TAP = "tap"
QUESTION = "question"
#: A question the course declares for the lesson, with its right answer and wrong choices.
LESSON = "lesson"
#: "Which of these headings is in the lesson you are reading?"
HEADING = "heading"
#: Kinds answered by tapping one of several texts; the stored answer is the position of the right one.
CHOICE_KINDS = (LESSON, HEADING)
#: Of the prompts on a lesson that has questions or headings to ask about, the share that are numbers.
NUMBER_SHARE = 0.5
#: A heading longer than this is not offered as a choice (it would not fit a button on a phone).
MAX_CHOICE_CHARS = 30

PENDING = "pending"
ANSWERED = "answered"
#: Not answered before it expired.
MISSED = "missed"
#: Answered wrongly: counts like a missed check.
WRONG = "wrong"

_SYSTEM = secrets.SystemRandom()


@dataclass(frozen=True)
class Prompt:
    kind: str
    #: Values for the prompt's text: ``{"n": 37}`` for a tap, ``{"a": 3, "b": 4}`` for a sum.
    params: dict
    #: The numbers shown as buttons (a tap); empty for a question, which is typed.
    choices: list[str] = field(default_factory=list)
    answer: str = ""

    def public(self) -> dict:
        """What the page may see: never the answer."""
        return {"kind": self.kind, "params": self.params, "choices": self.choices}


@dataclass(frozen=True)
class LessonMaterial:
    """What a lesson offers for questions: the course's declared questions (``{"question", "answer", "wrong"}``),
    the lesson's own headings, and the headings of the course's other lessons (the wrong choices)."""

    questions: list[dict] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    other_headings: list[str] = field(default_factory=list)

    def makers(self) -> list:
        makers = []
        if self.questions:
            makers.append(lambda rng: _declared(rng, self.questions))
        if _heading_pools(self) is not None:
            makers.append(lambda rng: _heading(rng, self))
        return makers


def make_prompt(previous: dict | None = None, rng: random.Random | None = None,
                material: LessonMaterial | None = None) -> Prompt:  # fmt: skip
    """A new prompt, different from ``previous`` (the stored public part of the last one)."""
    rng = rng or _SYSTEM
    lesson_makers = material.makers() if material is not None else []
    while True:
        if lesson_makers and rng.random() >= NUMBER_SHARE:
            prompt = rng.choice(lesson_makers)(rng)
        else:
            prompt = _tap(rng) if rng.random() < 0.5 else _question(rng)
        if previous is None or prompt.public() != previous:
            return prompt


def _choice_prompt(kind: str, params: dict, right: str, wrong: list[str], rng: random.Random) -> Prompt:
    choices = [right, *wrong]
    rng.shuffle(choices)
    return Prompt(kind, params, choices, str(choices.index(right)))


def _declared(rng: random.Random, questions: list[dict]) -> Prompt:
    question = rng.choice(questions)
    return _choice_prompt(LESSON, {"q": question["question"]}, question["answer"], list(question["wrong"]), rng)


def _heading_pools(material: LessonMaterial) -> tuple[list[str], list[str]] | None:
    """This lesson's headings that can be asked about and the other lessons' headings that can be wrong choices."""
    own = set(material.headings)
    right = [h for h in dict.fromkeys(material.headings) if len(h) <= MAX_CHOICE_CHARS]
    wrong = [h for h in dict.fromkeys(material.other_headings) if h not in own and len(h) <= MAX_CHOICE_CHARS]
    return (right, wrong) if right and len(wrong) >= 3 else None


def _heading(rng: random.Random, material: LessonMaterial) -> Prompt:
    right, wrong = _heading_pools(material)  # type: ignore[misc]
    return _choice_prompt(HEADING, {}, rng.choice(right), rng.sample(wrong, 3), rng)


def _tap(rng: random.Random) -> Prompt:
    numbers = rng.sample(range(10, 100), 4)
    target = rng.choice(numbers)
    return Prompt(TAP, {"n": target}, [str(n) for n in numbers], str(target))


def _question(rng: random.Random) -> Prompt:
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    return Prompt(QUESTION, {"a": a, "b": b}, [], str(a + b))


def is_right(expected: str, given: object) -> bool:
    """Compare ignoring spaces and full-width digits (a Chinese keyboard may type １２)."""
    if not isinstance(given, (str, int)) or isinstance(given, bool):
        return False
    text = unicodedata.normalize("NFKC", str(given)).strip()
    return len(text) <= 8 and text == expected


def is_right_answer(kind: str, choices: list[str], expected: str, given: object) -> bool:
    """The check of any kind of prompt: for a question from the lesson the host taps one of the shown texts, and the
    server keeps only the position of the right one."""
    if kind not in CHOICE_KINDS:
        return is_right(expected, given)
    if not isinstance(given, str) or len(given) > 4 * MAX_CHOICE_CHARS:
        return False
    text = unicodedata.normalize("NFKC", given).strip()
    shown = [unicodedata.normalize("NFKC", c).strip() for c in choices]
    return text in shown and str(shown.index(text)) == expected


def next_due(after: datetime, interval_minutes: int, rng: random.Random | None = None) -> datetime:
    """A random moment in the second half of the interval after ``after``: at least one check per interval."""
    rng = rng or _SYSTEM
    seconds = interval_minutes * 60
    return after + timedelta(seconds=rng.randint(seconds // 2, seconds))


def outcome_of_late(expires_at: datetime, now: datetime) -> str | None:
    """MISSED once a pending check's time is up, else None (still answerable)."""
    return MISSED if now > expires_at else None

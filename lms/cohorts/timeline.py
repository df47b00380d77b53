"""A host's learning timeline and study minutes per day, for the trainer's drill-down. Pure: no Flask, no database.

The timeline merges what happened on lessons (opened, completed), quizzes (submitted; graded, when a trainer
graded an essay later) and certificates (issued, revoked) into one list, newest first, in China time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from lms.learning.studytime import CHINA

#: When two events happen at the same moment, the later step of learning comes first (newest first).
_ORDER = {"certificate_revoked": 0, "certificate_issued": 1, "quiz_graded": 2, "quiz_submitted": 3,
          "lesson_completed": 4, "lesson_opened": 5}  # fmt: skip


@dataclass(frozen=True)
class LessonMark:
    course: str
    lesson: str
    opened_at: datetime
    completed_at: datetime | None = None


@dataclass(frozen=True)
class AttemptMark:
    course: str
    quiz: str
    number: int
    submitted_at: datetime | None  # None while the attempt is open: nothing to show yet
    #: When a trainer graded the last essay (None when the attempt was graded automatically on submission).
    graded_at: datetime | None = None
    score: float | None = None
    passed: bool | None = None
    awaiting_grading: bool = False


@dataclass(frozen=True)
class CertificateMark:
    course: str
    number: str
    issued_at: datetime
    status: str
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class Event:
    at: datetime  # China time
    kind: str  # a key of _ORDER
    course: str
    subject: str  # the lesson, the quiz or the certificate number
    attempt: int | None = None
    score: float | None = None
    passed: bool | None = None
    awaiting_grading: bool = False


def timeline(
    lessons: Iterable[LessonMark], attempts: Iterable[AttemptMark], certificates: Iterable[CertificateMark]
) -> list[Event]:
    events: list[Event] = []
    for mark in lessons:
        events.append(Event(_china(mark.opened_at), "lesson_opened", mark.course, mark.lesson))
        if mark.completed_at is not None:
            events.append(Event(_china(mark.completed_at), "lesson_completed", mark.course, mark.lesson))
    for a in attempts:
        if a.submitted_at is None:
            continue
        if a.graded_at is None:  # graded on submission (or still waiting): the result belongs to the submission
            events.append(Event(_china(a.submitted_at), "quiz_submitted", a.course, a.quiz, a.number, a.score,
                                a.passed, a.awaiting_grading))  # fmt: skip
        else:
            events.append(Event(_china(a.submitted_at), "quiz_submitted", a.course, a.quiz, a.number))
            events.append(Event(_china(a.graded_at), "quiz_graded", a.course, a.quiz, a.number, a.score, a.passed,
                                a.awaiting_grading))  # fmt: skip
    for c in certificates:
        events.append(Event(_china(c.issued_at), "certificate_issued", c.course, c.number))
        if c.revoked_at is not None:
            events.append(Event(_china(c.revoked_at), "certificate_revoked", c.course, c.number))
    return sorted(events, key=lambda e: (-e.at.timestamp(), _ORDER[e.kind], e.course, e.subject, -(e.attempt or 0)))


def minutes_per_day(seconds_by_day: Iterable[tuple[date, int]]) -> list[tuple[date, float]]:
    """Study seconds (several rows per day allowed) as minutes per China day, newest day first, one decimal."""
    totals: dict[date, int] = {}
    for day, seconds in seconds_by_day:
        totals[day] = totals.get(day, 0) + seconds
    return [(day, round(totals[day] / 60, 1)) for day in sorted(totals, reverse=True) if totals[day] > 0]


def hours(total_seconds: int) -> float:
    """学时 as the rest of the site counts them: hours of 60 minutes, one decimal."""
    return round(total_seconds / 3600, 1)


def _china(moment: datetime) -> datetime:
    return moment.astimezone(CHINA)

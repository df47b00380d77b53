"""Where one host stands on one course, as the cohort dashboard, the host drill-down and the exports show it.

One computation for all of them, so a state, a lesson count or a score never reads differently on two pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.catalogue.models import Quiz
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_for, completion
from lms.learning import services as learning
from lms.learning.models import Enrollment
from lms.quizzes.models import FINISHED, QuizAttempt

STATES = ("not_started", "in_progress", "completed", "overdue")


@dataclass
class Cell:
    state: str  # one of STATES
    seconds: int = 0  # verified study time on the course's lessons
    quiz_score: float | None = None  # the score the completion rule counts (mean over required quizzes)
    certificate: Certificate | None = None
    lessons_done: int = 0
    lessons_total: int = 0
    best_score: float | None = None  # the best graded attempt of any quiz of the course
    enrollment: Enrollment | None = None

    @property
    def hours(self) -> float:
        """学时 as the site counts them: hours of 60 minutes, one decimal."""
        return round(self.seconds / 3600, 1)

    @property
    def minutes(self) -> float:
        return round(self.seconds / 60, 1)


def attempts_for_version(session: Session, user_id: int, version_id: int) -> list[QuizAttempt]:
    """The host's attempts at the quizzes of one course version, quiz by quiz, first attempt first."""
    return list(session.scalars(
        select(QuizAttempt).join(Quiz, QuizAttempt.quiz_id == Quiz.id)
        .where(QuizAttempt.user_id == user_id, Quiz.version_id == version_id)
        .order_by(Quiz.key, QuizAttempt.number)
    ))  # fmt: skip


def best_score(attempts: list[QuizAttempt]) -> float | None:
    scores = [a.score for a in attempts if a.status == FINISHED and a.score is not None]
    return max(scores) if scores else None


def course_cell(
    session: Session, user_id: int, course_id: int, deadline: date | None, today: date,
    attempts: list[QuizAttempt] | None = None,
) -> Cell:
    """State against the deadline (None: no deadline), lessons, verified time, scores and certificate."""
    enrollment = learning.enrollment_for(session, user_id, course_id)
    if enrollment is None:
        return Cell("overdue" if deadline is not None and today > deadline else "not_started")
    status = completion(session, enrollment)
    certificate = certificate_for(session, enrollment.id)
    progress = learning.course_progress(session, enrollment)
    started = status.study_seconds > 0 or enrollment.last_lesson_id is not None
    if certificate is not None or status.met:
        state = "completed"
    elif deadline is not None and today > deadline:
        state = "overdue"
    else:
        state = "in_progress" if started else "not_started"
    if attempts is None:
        attempts = attempts_for_version(session, user_id, enrollment.version_id)
    return Cell(
        state, status.study_seconds, status.score, certificate, progress.completed_count, len(progress.lessons),
        best_score(attempts), enrollment,
    )  # fmt: skip

"""What trainers see of their hosts' quizzes: the essay grading queue and per-question statistics.

Every query is scoped to the members of one organisation: a trainer never sees another organisation's hosts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.catalogue.models import Course, CourseVersion, Quiz
from lms.errors import NotFound
from lms.orgs.models import Membership
from lms.quizzes.gift import Question, from_dict
from lms.quizzes.models import FINISHED, NEEDS_GRADING, QuizAttempt, QuizResponse
from lms.quizzes.statistics import AttemptScores, ItemResponse, ItemStats, analyse


def _members(org_id: int):
    return select(Membership.user_id).where(Membership.org_id == org_id)


@dataclass
class PendingEssay:
    response: QuizResponse
    attempt: QuizAttempt
    host: User
    question: Question
    course_title: str


def grading_queue(session: Session, org_id: int, locale: str) -> list[PendingEssay]:
    rows = session.execute(
        select(QuizResponse, QuizAttempt, User, Quiz, CourseVersion)
        .join(QuizAttempt, QuizResponse.attempt_id == QuizAttempt.id)
        .join(User, QuizAttempt.user_id == User.id)
        .join(Quiz, QuizAttempt.quiz_id == Quiz.id)
        .join(CourseVersion, Quiz.version_id == CourseVersion.id)
        .where(
            QuizAttempt.status == NEEDS_GRADING,
            QuizResponse.needs_manual.is_(True),
            QuizResponse.graded_at.is_(None),
            QuizAttempt.user_id.in_(_members(org_id)),
        )
        .order_by(QuizAttempt.submitted_at, QuizResponse.position)
    )
    return [
        PendingEssay(response, attempt, host, from_dict(quiz.questions[response.question_index]), version.title(locale))
        for response, attempt, host, quiz, version in rows
    ]


def pending_response(session: Session, org_id: int, response_id: int) -> QuizResponse:
    response = session.scalar(
        select(QuizResponse)
        .join(QuizAttempt, QuizResponse.attempt_id == QuizAttempt.id)
        .where(
            QuizResponse.id == response_id,
            QuizResponse.needs_manual.is_(True),
            QuizResponse.graded_at.is_(None),
            QuizAttempt.user_id.in_(_members(org_id)),
        )
    )
    if response is None:
        raise NotFound("no such answer waiting for grading in this organisation")
    return response


@dataclass
class QuizWithAttempts:
    quiz: Quiz
    course_slug: str
    title: str
    attempts: int


def quizzes_with_attempts(session: Session, org_id: int, locale: str) -> list[QuizWithAttempts]:
    rows = session.execute(
        select(Quiz, Course.slug, CourseVersion, QuizAttempt.id)
        .join(QuizAttempt, QuizAttempt.quiz_id == Quiz.id)
        .join(CourseVersion, Quiz.version_id == CourseVersion.id)
        .join(Course, CourseVersion.course_id == Course.id)
        .where(QuizAttempt.status == FINISHED, QuizAttempt.user_id.in_(_members(org_id)))
    )
    found: dict[int, QuizWithAttempts] = {}
    for quiz, slug, version, _attempt_id in rows:
        entry = found.setdefault(
            quiz.id, QuizWithAttempts(quiz, slug, f"{version.title(locale)} · v{version.number} · {quiz.key}", 0)
        )
        entry.attempts += 1
    return sorted(found.values(), key=lambda q: q.title)


@dataclass
class QuestionReport:
    index: int
    question: Question
    stats: ItemStats


def question_report(session: Session, org_id: int, quiz_id: int, min_attempts: int = 20) -> tuple[Quiz, list[QuestionReport], int]:
    """Item analysis over the first finished attempt of each host of the organisation (as Moodle does)."""
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound("no such quiz")
    attempts = session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.quiz_id == quiz_id, QuizAttempt.status == FINISHED,
               QuizAttempt.user_id.in_(_members(org_id)))
        .order_by(QuizAttempt.user_id, QuizAttempt.number)
    ).all()  # fmt: skip
    questions = [from_dict(q) for q in quiz.questions]
    first: dict[int, QuizAttempt] = {}
    for attempt in attempts:
        first.setdefault(attempt.user_id, attempt)
    scored = [
        AttemptScores(
            attempt_id=a.id,
            total=(a.score or 0) / 100,
            items={r.question_index: ItemResponse(r.score or 0.0, _choice(questions[r.question_index], r.response))
                   for r in a.responses},
        )  # fmt: skip
        for a in first.values()
    ]
    stats = analyse(scored, min_attempts=min_attempts)
    return quiz, [QuestionReport(s.question_key, questions[s.question_key], s) for s in stats], len(scored)


def _choice(question: Question, response) -> str | None:
    """The option text chosen (an ordering: the items in the host's order), for counting how often each is
    picked."""
    if response is None:
        return None
    if question.type == "multichoice" and isinstance(response, int) and response < len(question.answers):
        return question.answers[response].text
    if question.type == "truefalse" and isinstance(response, bool):
        return "T" if response else "F"
    if question.type == "multiresponse" and isinstance(response, list):
        return " + ".join(question.answers[i].text for i in sorted(response) if i < len(question.answers)) or None
    if question.type in ("shortanswer", "numerical") and isinstance(response, str):
        return response[:60]
    if question.type == "ordering" and isinstance(response, list):
        items = [question.answers[i].text for i in response if isinstance(i, int) and 0 <= i < len(question.answers)]
        return " → ".join(items)[:120] or None
    return None

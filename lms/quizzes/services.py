"""Taking quizzes: start or resume an attempt, save answers, submit once, grade, and the rules that protect it.

Every time comes from the server's clock. The paper is drawn once when the attempt starts and stored with it, so a
reload or a lost connection resumes the same questions with the answers saved so far.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from lms.catalogue.models import CourseVersion, Quiz
from lms.db import utcnow
from lms.errors import Conflict, DomainError, NotFound
from lms.learning.models import Enrollment
from lms.quizzes.gift import Question, from_dict
from lms.quizzes.grading import InvalidResponse, grade
from lms.quizzes.models import FINISHED, IN_PROGRESS, NEEDS_GRADING, QuizAttempt, QuizResponse
from lms.quizzes.sheet import bank_of
from lms.signals import attempt_submitted, enrollment_progressed
from lms.quizzes.paper import OnPaper, PaperItem, draw_paper, paper_from_json, paper_to_json

#: Network latency allowance for an answer sent at the last second; anything later is not counted.
DEADLINE_GRACE = timedelta(seconds=5)


class QuizClosed(DomainError):
    """The attempt can no longer take answers (submitted, or its time is up)."""


@dataclass(frozen=True)
class QuizSettings:
    pass_mark: int
    draw: list[tuple[str | None, int]]
    time_limit_minutes: int
    attempts: int
    cooldown_minutes: int
    feedback: str
    grade: str
    #: When the review shows marks, right answers and feedback: immediately, after_passing, after_last_attempt
    #: or never. A certificate quiz (required, in a course with a certificate) shows no right answers and no
    #: feedback after a failed attempt unless course.yaml says otherwise: half the bank would leak each time.
    review_marks: str = "immediately"
    review_answers: str = "immediately"
    review_feedback: str = "immediately"
    #: The quiz opens only once every lesson is complete (default on for certificate quizzes).
    open_after_lessons: bool = False

    @classmethod
    def of(cls, quiz: Quiz) -> "QuizSettings":
        certificate_quiz = bool(quiz.required and quiz.version is not None and quiz.version.certificate)
        return cls.from_stored(quiz.settings, certificate_quiz)

    @classmethod
    def from_stored(cls, s: dict, certificate_quiz: bool) -> "QuizSettings":
        safe = "after_passing" if certificate_quiz else "immediately"
        return cls(
            review_marks=s.get("review_marks", "immediately"),
            review_answers=s.get("review_answers", safe),
            review_feedback=s.get("review_feedback", safe),
            open_after_lessons=bool(s.get("open_after_lessons", certificate_quiz)),
            pass_mark=int(s["pass_mark"]),
            draw=[(r.get("category"), int(r["count"])) for r in s["draw"]],
            time_limit_minutes=int(s.get("time_limit_minutes", 0)),
            attempts=int(s.get("attempts", 0)),
            cooldown_minutes=int(s.get("cooldown_minutes", 0)),
            feedback=s.get("feedback", "after_submit"),
            grade=s.get("grade", "highest"),
        )

    @property
    def question_count(self) -> int:
        return sum(count for _category, count in self.draw)


def questions_of(quiz: Quiz) -> list[Question]:
    if "version" in inspect(quiz).unloaded:  # no content hash at hand: parse
        return [from_dict(q) for q in quiz.questions]
    return list(bank_of((quiz.id, quiz.key, quiz.version.content_hash), lambda: quiz.questions))


def quiz_of(session: Session, enrollment: Enrollment, key: str) -> Quiz:
    quiz = session.scalar(select(Quiz).where(Quiz.version_id == enrollment.version_id, Quiz.key == key)
                          .options(joinedload(Quiz.version)))  # its settings read the version's certificate flag
    if quiz is None:
        raise NotFound(_l("This quiz does not exist in your version of the course."))
    return quiz


def attempts_of(session: Session, user_id: int, quiz_id: int) -> list[QuizAttempt]:
    return list(
        session.scalars(
            select(QuizAttempt).where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)
            .order_by(QuizAttempt.number)
        )
    )


@dataclass
class QuizState:
    attempts: list[QuizAttempt]
    open_attempt: QuizAttempt | None
    can_start: bool
    reason: str | None  # why not: "limit" | "cooldown" | "grading"
    next_start_at: datetime | None
    result: float | None  # the score that counts (highest / last / average), percent
    passed: bool


def quiz_state(session: Session, user_id: int, quiz: Quiz, now: datetime | None = None) -> QuizState:
    now = now or utcnow()
    settings = QuizSettings.of(quiz)
    attempts = attempts_of(session, user_id, quiz.id)
    for attempt in attempts:
        if attempt.status == IN_PROGRESS and is_expired(attempt, now):
            finish_attempt(session, attempt, now, answers=None)  # time ran out while the host was away
    open_attempt = next((a for a in attempts if a.status == IN_PROGRESS), None)
    result = counted_score(attempts, settings.grade)
    passed = result is not None and result >= settings.pass_mark
    can_start, reason, next_start = True, None, None
    if open_attempt is None:
        if settings.open_after_lessons and not _lessons_done(session, user_id, quiz):
            can_start, reason = False, "lessons"
        elif settings.attempts and len(attempts) >= settings.attempts:
            can_start, reason = False, "limit"
        elif any(a.status == NEEDS_GRADING for a in attempts):
            can_start, reason = False, "grading"
        else:
            last = max((a.submitted_at for a in attempts if a.submitted_at), default=None)
            if last is not None and settings.cooldown_minutes:
                next_start = last + timedelta(minutes=settings.cooldown_minutes)
                if next_start > now:
                    can_start, reason = False, "cooldown"
    return QuizState(attempts, open_attempt, can_start, reason, next_start, result, passed)


def _lessons_done(session: Session, user_id: int, quiz: Quiz) -> bool:
    done = session.scalar(
        select(Enrollment.lessons_completed_at).where(Enrollment.user_id == user_id,
                                                      Enrollment.version_id == quiz.version_id)
    )  # fmt: skip
    return done is not None


def counted_score(attempts: list[QuizAttempt], method: str) -> float | None:
    scores = [a.score for a in attempts if a.status == FINISHED and a.score is not None]
    if not scores:
        return None
    if method == "last":
        return scores[-1]
    if method == "average":
        return round(sum(scores) / len(scores), 2)
    return max(scores)


def start_attempt(
    session: Session, user_id: int, quiz: Quiz, now: datetime | None = None, rng: random.Random | None = None
) -> QuizAttempt:
    """Resume the open attempt, or start a new one if the rules allow; a second tab gets the same attempt."""
    now = now or utcnow()
    state = quiz_state(session, user_id, quiz, now)
    if state.open_attempt is not None:
        return state.open_attempt
    if not state.can_start:
        raise Conflict(_start_refusal(state))
    settings = QuizSettings.of(quiz)
    paper = draw_paper(questions_of(quiz), settings.draw, rng or random.SystemRandom())
    attempt = QuizAttempt(
        user_id=user_id,
        quiz_id=quiz.id,
        number=len(state.attempts) + 1,
        open_key=f"{user_id}:{quiz.id}",
        status=IN_PROGRESS,
        started_at=now,
        deadline_at=now + timedelta(minutes=settings.time_limit_minutes) if settings.time_limit_minutes else None,
        paper=json.loads(paper_to_json(paper)),
    )
    try:
        with session.begin_nested():
            session.add(attempt)
            session.flush()
    except IntegrityError:
        # Another tab or worker started attempt n at the same moment: both now use that one.
        existing = session.scalar(
            select(QuizAttempt).where(QuizAttempt.open_key == f"{user_id}:{quiz.id}")
        )
        if existing is None:
            raise Conflict(_l("Another attempt was just started. Reload the page.")) from None
        return existing
    return attempt


def _start_refusal(state: QuizState):
    if state.reason == "lessons":
        return _l("This quiz opens when you have completed every lesson of the course.")
    if state.reason == "limit":
        return _l("You have used all your attempts for this quiz.")
    if state.reason == "grading":
        return _l("Your last attempt is waiting for a trainer to grade it.")
    return _l("You can try again after the waiting time.")


def is_expired(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + DEADLINE_GRACE


#: Built once (every attempt page and answer save runs it; building it costs more than running it).
_ATTEMPT = (
    select(QuizAttempt).where(QuizAttempt.id == bindparam("attempt_id"))
    .options(joinedload(QuizAttempt.quiz).joinedload(Quiz.version).joinedload(CourseVersion.course),
             selectinload(QuizAttempt.responses))
)  # fmt: skip


def get_attempt(session: Session, attempt_id: int, user_id: int) -> QuizAttempt:
    # The attempt and review pages show its quiz, course and every response: loaded here, in two queries.
    attempt = session.scalar(_ATTEMPT, {"attempt_id": attempt_id})
    if attempt is None or attempt.user_id != user_id:
        raise NotFound(_l("There is no such attempt."))
    return attempt


def _response_at(session: Session, attempt: QuizAttempt, position: int, question_index: int) -> QuizResponse:
    for response in attempt.responses:
        if response.position == position:
            return response
    response = QuizResponse(attempt_id=attempt.id, position=position, question_index=question_index)
    attempt.responses.append(response)
    return response


def save_answers(session: Session, attempt: QuizAttempt, answers: dict[int, object], now: datetime | None = None) -> int:
    """Store answers by paper position; refused once the attempt is closed or its time is up."""
    now = now or utcnow()
    if attempt.status != IN_PROGRESS:
        raise QuizClosed(_l("This attempt has been submitted; answers can no longer change."))
    if is_expired(attempt, now):
        raise QuizClosed(_l("Time is up: answers sent after the time limit are not counted."))
    return _store_answers(session, attempt, answers, now)


def _store_answers(session: Session, attempt: QuizAttempt, answers: dict[int, object], now: datetime) -> int:
    paper = paper_from_json(attempt.paper)
    saved = 0
    for position, value in answers.items():
        if not 0 <= position < len(paper):
            continue
        response = _response_at(session, attempt, position, paper[position].question_index)
        if response.score is not None:  # already checked ("immediate" feedback): locked
            continue
        response.response = value
        response.saved_at = now
        saved += 1
    session.flush()
    return saved


def check_answer(session: Session, attempt: QuizAttempt, position: int, value: object, now: datetime | None = None):
    """Immediate feedback: grade one answer now and lock it."""
    now = now or utcnow()
    save_answers(session, attempt, {position: value}, now)
    question = questions_of(attempt.quiz)[paper_from_json(attempt.paper)[position].question_index]
    response = _response_at(session, attempt, position, paper_from_json(attempt.paper)[position].question_index)
    _grade_response(question, response)
    session.flush()
    return response


def _grade_response(question: Question, response: QuizResponse) -> None:
    if response.response is None:
        response.score, response.feedback, response.needs_manual = 0.0, [], question.type == "essay"
        return
    value = response.response
    if question.type == "multiresponse" and isinstance(value, list):
        value = set(value)
    if question.type == "matching" and isinstance(value, dict):
        value = {int(k): v for k, v in value.items()}
    try:
        result = grade(question, value)
    except InvalidResponse:
        response.score, response.feedback, response.needs_manual = 0.0, [], False
        return
    response.score = result.score
    response.feedback = list(result.feedback)
    response.needs_manual = result.needs_manual


def finish_attempt(
    session: Session, attempt: QuizAttempt, now: datetime | None = None, answers: dict[int, object] | None = None
) -> QuizAttempt:
    """Submit and grade exactly once, even when the same submission arrives twice at the same moment."""
    now = now or utcnow()
    late = is_expired(attempt, now)
    closed = session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.status == IN_PROGRESS)
        .values(status=NEEDS_GRADING, open_key=None, submitted_at=min(now, attempt.deadline_at + DEADLINE_GRACE)
                if attempt.deadline_at else now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(attempt)
    if closed != 1:
        return attempt  # somebody else submitted it: graded there
    if answers and not late:  # this request closed the attempt, so it alone may add its last answers
        _store_answers(session, attempt, answers, now)
    questions = questions_of(attempt.quiz)
    for item_position, item in enumerate(paper_from_json(attempt.paper)):
        response = _response_at(session, attempt, item_position, item.question_index)
        if response.score is None:
            _grade_response(questions[item.question_index], response)
    _settle(attempt)
    session.flush()
    attempt_submitted.send(session, attempt=attempt)
    _progressed(session, attempt)
    return attempt


def _progressed(session: Session, attempt: QuizAttempt) -> None:
    if attempt.status != FINISHED:
        return
    enrollment = session.scalar(
        select(Enrollment).where(Enrollment.user_id == attempt.user_id, Enrollment.version_id == attempt.quiz.version_id)
    )
    if enrollment is not None:
        enrollment_progressed.send(session, enrollment=enrollment)


def _settle(attempt: QuizAttempt) -> None:
    """Score and pass once nothing waits for a trainer."""
    if any(r.needs_manual and r.graded_at is None for r in attempt.responses):
        attempt.status, attempt.score, attempt.passed = NEEDS_GRADING, None, None
        return
    items = len(attempt.paper) or 1
    total = sum(r.score or 0.0 for r in attempt.responses)
    attempt.score = round(100 * total / items, 2)
    attempt.passed = attempt.score >= QuizSettings.of(attempt.quiz).pass_mark
    attempt.status = FINISHED


def grade_essay(
    session: Session, response: QuizResponse, grader_id: int, score_percent: int, comment: str
) -> QuizAttempt:
    if not 0 <= score_percent <= 100:
        raise Conflict(_l("The score must be between 0 and 100."), "score")
    response.score = score_percent / 100
    response.graded_by_id = grader_id
    response.graded_at = utcnow()
    response.grader_comment = comment.strip() or None
    _settle(response.attempt)
    session.flush()
    _progressed(session, response.attempt)
    return response.attempt


@dataclass
class ReviewItem(OnPaper):
    position: int
    question: Question
    response: QuizResponse | None
    paper_item: PaperItem


def review_items(attempt: QuizAttempt) -> list[ReviewItem]:
    questions = questions_of(attempt.quiz)
    by_position = {r.position: r for r in attempt.responses}
    return [
        ReviewItem(i, questions[item.question_index], by_position.get(i), item)
        for i, item in enumerate(paper_from_json(attempt.paper))
    ]

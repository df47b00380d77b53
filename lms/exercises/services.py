"""Rewrite exercises: find one in the version a host studies, grade a rewrite, keep the host's best result.
Services take plain arguments and raise domain errors; the caller commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.catalogue.models import Exercise
from lms.db import utcnow
from lms.errors import DomainError
from lms.exercises.models import RewriteResult
from lms.messages import N_
from lms.scriptcheck import checker as checker_mod
from lms.scriptcheck.rewrite import RewriteGrade, grade_rewrite


def exercise_in(session: Session, version_id: int, key: str) -> Exercise | None:
    return session.scalar(select(Exercise).where(Exercise.version_id == version_id, Exercise.key == key))


def result_of(session: Session, user_id: int, exercise_id: int) -> RewriteResult | None:
    """The host's own best result (with their rewrite): never ask it for another user."""
    return session.scalar(select(RewriteResult).where(RewriteResult.user_id == user_id,
                                                      RewriteResult.exercise_id == exercise_id))


def submit_rewrite(session: Session, user_id: int, exercise: Exercise, text: str) -> tuple[RewriteGrade, RewriteResult]:
    """Grade ``text`` and record the attempt; the stored result is the best so far (once passed, it stays)."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise DomainError(N_("Write your rewrite of the script."), field="rewrite")
    if len(text) > checker_mod.MAX_CHARS:
        raise DomainError(N_("The script has %(n)s characters; at most %(max)s can be checked at once.",
                             n=len(text), max=checker_mod.MAX_CHARS), field="rewrite")
    grade = grade_rewrite(text, exercise.category, exercise.keep)
    now = utcnow()
    result = result_of(session, user_id, exercise.id)
    if result is None:
        try:
            with session.begin_nested():  # a double submit may have created it in the meantime
                result = RewriteResult(user_id=user_id, exercise_id=exercise.id, passed=False, attempts=0,
                                       best_at=now, last_at=now, text=text)
                session.add(result)
        except IntegrityError:
            result = result_of(session, user_id, exercise.id)
            assert result is not None
    result.attempts += 1
    result.last_at = now
    if grade.passed and not result.passed:
        result.passed, result.best_at, result.text = True, now, text
    elif not result.passed:
        result.best_at, result.text = now, text
    session.flush()
    return grade, result

"""Everything the site stores about one person, for that person (PIPL art. 45: access and copy).

It sits above the feature packages because it gathers from all of them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import certnumbers
from lms.accounts.models import User
from lms.accounts.realname import personal_data_export
from lms.catalogue.models import Course, CourseVersion, Exercise
from lms.certificates.models import Certificate
from lms.exercises.models import RewriteResult
from lms.learning import services as learning
from lms.notifications.models import Notification
from lms.quizzes.models import QuizAttempt
from lms.security.pii import PIICipher
from lms.skills.models import SkillAssessment, SkillSettings
from lms.wellbeing import services as wellbeing


def export_person(session: Session, cipher: PIICipher, user: User, instruments_dir: str | None = None) -> dict:
    data = personal_data_export(session, cipher, user)
    data["enrollments"] = [
        {"course": e.course.slug, "version": e.version.number, "enrolled_at": e.enrolled_at.isoformat(),
         "lessons_completed_at": e.lessons_completed_at.isoformat() if e.lessons_completed_at else None}
        for e in learning.enrollments_of(session, user.id)
    ]  # fmt: skip
    data["study_time"] = [
        {"day": r.day.isoformat(), "course": r.course_slug, "lesson": r.lesson_slug, "seconds": r.seconds}
        for r in learning.study_rows(session, user.id)
    ]
    data["quiz_attempts"] = [
        {"quiz": a.quiz.key, "course_version": a.quiz.version_id, "number": a.number, "status": a.status,
         "started_at": a.started_at.isoformat(), "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
         "score": a.score, "passed": a.passed,
         "answers": [{"position": r.position, "response": r.response, "score": r.score} for r in a.responses]}
        for a in session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.id))
    ]  # fmt: skip
    data["rewrite_exercises"] = [
        {"course": slug, "version": number, "exercise": key, "passed": r.passed, "attempts": r.attempts,
         "best_at": r.best_at.isoformat(), "last_at": r.last_at.isoformat(), "rewrite": r.text}
        for r, key, slug, number in session.execute(
            select(RewriteResult, Exercise.key, Course.slug, CourseVersion.number)
            .join(Exercise, RewriteResult.exercise_id == Exercise.id)
            .join(CourseVersion, Exercise.version_id == CourseVersion.id)
            .join(Course, CourseVersion.course_id == Course.id)
            .where(RewriteResult.user_id == user.id).order_by(RewriteResult.id)
        )
    ]  # fmt: skip
    data["certificates"] = [
        {"number": certnumbers.format(c.number), "status": c.status, "course": c.course_slug,
         "issued_at": c.issued_at.isoformat(), "hours": c.hours}
        for c in session.scalars(select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id))
    ]  # fmt: skip
    data["notifications"] = {
        "mails": user.notification_mails,
        "items": [
            {"kind": n.kind, "params": n.params, "created_at": n.created_at.isoformat(),
             "read_at": n.read_at.isoformat() if n.read_at else None,
             "mailed_at": n.mailed_at.isoformat() if n.mailed_at else None}
            for n in session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
        ],
    }  # fmt: skip
    settings = session.get(SkillSettings, user.id)
    data["skills"] = {
        "verticals": settings.verticals if settings else [],
        "profile_shared": bool(settings and settings.share_token),
        "assessments": [
            {"skill": a.skill, "level": a.level, "note": a.note, "assessed_at": a.assessed_at.isoformat()}
            for a in session.scalars(select(SkillAssessment).where(SkillAssessment.user_id == user.id))
        ],
    }
    # The person's own stored self-check results (only ever in their own copy, never in anyone else's export).
    data["self_check_results"] = [
        {"instrument": r.instrument_id, "version": r.instrument_version, "licence": r.licence_name,
         "taken_at": r.taken_at.isoformat(), "answers": list(r.result.answers), "score": r.result.score}
        for r in wellbeing.results(session, cipher, user.id, extra_dir=instruments_dir)
    ]  # fmt: skip
    return data

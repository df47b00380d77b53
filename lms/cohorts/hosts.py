"""One host's learning record as the trainers and org admins of the host's MCN see it (the dashboard's drill-down).

Only a learner member of the organisation can be looked at; anyone else is "not found", whoever asks.
The identity number appears masked at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import certnumbers
from lms.accounts.models import User
from lms.catalogue.models import Course, CourseVersion, Lesson, Quiz
from lms.certificates.models import Certificate
from lms.certificates.services import certificates_of
from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.cohorts.progress import Cell, attempts_for_version, course_cell
from lms.cohorts.timeline import AttemptMark, CertificateMark, Event, LessonMark, hours, minutes_per_day, timeline
from lms.db import utcnow
from lms.errors import NotFound
from lms.learning import services as learning
from lms.learning.models import LessonProgress
from lms.learning.studytime import CHINA, china_day
from lms.orgs.models import Membership, Role
from lms.quizzes.models import NEEDS_GRADING, QuizAttempt

#: The newest events shown on the page; the rest are in the exports and the host's own record.
TIMELINE_LIMIT = 200


@dataclass
class AttemptRow:
    quiz: str
    number: int
    status: str  # in_progress | needs_grading | finished
    score: float | None
    passed: bool | None
    submitted_at: datetime | None  # China time


@dataclass
class CourseRecord:
    slug: str
    title: str
    version: int | None
    deadline: date | None  # the earliest deadline of the organisation's cohorts the host is in, if assigned
    cell: Cell
    attempts: list[AttemptRow]


@dataclass
class HostRecord:
    host: User
    id_masked: str | None
    cohorts: list[Cohort]
    courses: list[CourseRecord]
    certificates: list[Certificate]
    days: list[tuple[date, float]]  # (China day, minutes), newest first
    total_seconds: int
    events: list[Event]
    more_events: int  # older events not shown

    @property
    def hours(self) -> float:
        return hours(self.total_seconds)


def get_host(session: Session, org_id: int, user_id: int) -> User:
    """A learner member of the organisation, or NotFound (other organisations' hosts, trainers, nobody)."""
    host = session.scalar(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(User.id == user_id, Membership.org_id == org_id, Membership.role == Role.LEARNER)
    )  # fmt: skip
    if host is None:
        raise NotFound(_l("No such host in this organisation."))
    return host


def host_cohorts(session: Session, org_id: int, user_id: int) -> list[Cohort]:
    return list(session.scalars(
        select(Cohort).join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(Cohort.org_id == org_id, CohortMember.user_id == user_id).order_by(Cohort.starts_on.desc())
    ))  # fmt: skip


def host_record(session: Session, org_id: int, user_id: int, locale: str, today: date | None = None) -> HostRecord:
    host = get_host(session, org_id, user_id)
    today = today or china_day(utcnow())
    cohorts = host_cohorts(session, org_id, user_id)
    deadlines: dict[int, date] = {}
    for assigned in session.scalars(select(CohortCourse).where(CohortCourse.cohort_id.in_([c.id for c in cohorts]))):
        known = deadlines.get(assigned.course_id)
        deadlines[assigned.course_id] = assigned.deadline if known is None else min(known, assigned.deadline)
    courses = []
    enrolled = set()
    for enrollment in learning.enrollments_of(session, user_id):
        enrolled.add(enrollment.course_id)
        attempts = attempts_for_version(session, user_id, enrollment.version_id)
        deadline = deadlines.get(enrollment.course_id)
        cell = course_cell(session, user_id, enrollment.course_id, deadline, today, attempts)
        courses.append(CourseRecord(enrollment.course.slug, enrollment.version.title(locale), enrollment.version.number,
                                    deadline, cell, [_attempt_row(a, locale) for a in attempts]))  # fmt: skip
    for course_id in sorted(set(deadlines) - enrolled):  # assigned but never enrolled (no published version)
        course = session.get(Course, course_id)
        title = course.current_version.title(locale) if course.current_version else course.slug
        courses.append(CourseRecord(course.slug, title, None, deadlines[course_id],
                                    course_cell(session, user_id, course_id, deadlines[course_id], today), []))  # fmt: skip
    study = [(r.day, r.seconds) for r in learning.study_rows(session, user_id)]
    certificates = certificates_of(session, user_id)
    events = timeline(_lesson_marks(session, user_id, locale), _attempt_marks(session, user_id, locale),
                      [_certificate_mark(c, locale) for c in certificates])  # fmt: skip
    real = host.real_name
    return HostRecord(
        host=host, id_masked=real.id_number_masked if real else None, cohorts=cohorts, courses=courses,
        certificates=certificates, days=minutes_per_day(study), total_seconds=sum(s for _d, s in study),
        events=events[:TIMELINE_LIMIT], more_events=max(0, len(events) - TIMELINE_LIMIT),
    )  # fmt: skip


def _attempt_row(attempt: QuizAttempt, locale: str) -> AttemptRow:
    submitted = attempt.submitted_at.astimezone(CHINA) if attempt.submitted_at else None
    return AttemptRow(_title(attempt.quiz, locale), attempt.number, attempt.status, attempt.score, attempt.passed,
                      submitted)  # fmt: skip


def _lesson_marks(session: Session, user_id: int, locale: str) -> list[LessonMark]:
    rows = session.execute(
        select(LessonProgress, Lesson, CourseVersion).join(Lesson, LessonProgress.lesson_id == Lesson.id)
        .join(CourseVersion, Lesson.version_id == CourseVersion.id).where(LessonProgress.user_id == user_id)
    )  # fmt: skip
    return [LessonMark(version.title(locale), _title(lesson, locale), progress.first_opened_at, progress.completed_at)
            for progress, lesson, version in rows]  # fmt: skip


def _attempt_marks(session: Session, user_id: int, locale: str) -> list[AttemptMark]:
    rows = session.execute(
        select(QuizAttempt, Quiz, CourseVersion).join(Quiz, QuizAttempt.quiz_id == Quiz.id)
        .join(CourseVersion, Quiz.version_id == CourseVersion.id).where(QuizAttempt.user_id == user_id)
    )  # fmt: skip
    marks = []
    for attempt, quiz, version in rows:
        graded = [r.graded_at for r in attempt.responses if r.graded_at is not None]
        marks.append(AttemptMark(version.title(locale), _title(quiz, locale), attempt.number, attempt.submitted_at,
                                 max(graded) if graded and attempt.status != NEEDS_GRADING else None, attempt.score,
                                 attempt.passed, attempt.status == NEEDS_GRADING))  # fmt: skip
    return marks


def _certificate_mark(certificate: Certificate, locale: str) -> CertificateMark:
    course = certificate.course_title_en if locale == "en" else certificate.course_title_zh
    return CertificateMark(course, certnumbers.format(certificate.number), certificate.issued_at, certificate.status,
                           certificate.revoked_at)  # fmt: skip


def _title(item, locale: str) -> str:
    return item.title_en if locale == "en" else item.title_zh

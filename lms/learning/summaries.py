"""What "my learning" and the host home show of a host's courses, as plain values read in one statement (Core
columns, built once): progress, minutes studied and where "continue" goes, computed by the database instead of
from ORM entities and the per-lesson rows (see ``course_progresses`` in lms.learning.services for that)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import bindparam, func, select, true
from sqlalchemy.orm import Session

from lms.catalogue.models import Course, CourseVersion, Lesson
from lms.db import PlainRead
from lms.learning.models import Enrollment, LessonProgress, StudyTime
from lms.skills import services as skills_services


@dataclass(frozen=True)
class CourseSummary:
    """One enrolment as "my learning" and the home page show it, as plain values: the course, the lessons done,
    the minutes studied and where "continue" goes (the lesson last opened if unfinished, else the first unfinished
    one, else the last one: the rule of :attr:`CourseProgress.resume_lesson`)."""

    course_slug: str
    title_zh: str
    title_en: str
    lesson_count: int
    completed_count: int
    seconds: int
    resume_slug: str | None
    resume_title_zh: str | None
    resume_title_en: str | None

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_zh

    def resume_title(self, locale: str) -> str | None:
        return self.resume_title_en if locale == "en" else self.resume_title_zh

    @property
    def percent(self) -> int:
        return round(100 * self.completed_count / self.lesson_count) if self.lesson_count else 0


def _course_summaries_statement(limited: bool):
    """Every enrolment of a host with its counts and its "continue" lesson, in one statement of plain columns
    (built once: building it costs more than running it; ORM entities would cost more than the query)."""
    user_id = bindparam("user_id")
    enrolled = Enrollment.__table__
    done = LessonProgress.__table__
    lessons = [Lesson.__table__.alias(f"l{i}") for i in range(6)]

    def completed(lesson_id):
        return select(done.c.id).where(done.c.user_id == user_id, done.c.lesson_id == lesson_id,
                                       done.c.completed_at.is_not(None)).correlate_except(done).exists()  # fmt: skip

    total, finished, studied, last, first_open, final = lessons
    resume = func.coalesce(
        select(last.c.id).where(last.c.id == enrolled.c.last_lesson_id, last.c.version_id == enrolled.c.version_id,
                                ~completed(last.c.id)).scalar_subquery(),
        select(first_open.c.id).where(first_open.c.version_id == enrolled.c.version_id, ~completed(first_open.c.id))
        .order_by(first_open.c.position).limit(1).scalar_subquery(),
        select(final.c.id).where(final.c.version_id == enrolled.c.version_id)
        .order_by(final.c.position.desc()).limit(1).scalar_subquery(),
    )  # fmt: skip
    inner = (
        select(
            enrolled.c.id, enrolled.c.last_active_at, Course.__table__.c.slug, CourseVersion.__table__.c.title_zh,
            CourseVersion.__table__.c.title_en,
            select(func.count(total.c.id)).where(total.c.version_id == enrolled.c.version_id)
            .scalar_subquery().label("lesson_count"),
            select(func.count(done.c.id)).join(finished, finished.c.id == done.c.lesson_id)
            .where(finished.c.version_id == enrolled.c.version_id, done.c.user_id == user_id,
                   done.c.completed_at.is_not(None)).scalar_subquery().label("completed_count"),
            select(func.coalesce(func.sum(StudyTime.__table__.c.seconds), 0))
            .join(studied, studied.c.id == StudyTime.__table__.c.lesson_id)
            .where(studied.c.version_id == enrolled.c.version_id, StudyTime.__table__.c.user_id == user_id)
            .scalar_subquery().label("seconds"),
            resume.label("resume_id"),
        )
        .join(Course.__table__, Course.__table__.c.id == enrolled.c.course_id)
        .join(CourseVersion.__table__, CourseVersion.__table__.c.id == enrolled.c.version_id)
        .where(enrolled.c.user_id == user_id)
        .order_by(enrolled.c.last_active_at.desc().nulls_last(), enrolled.c.id)
    )  # fmt: skip
    inner = (inner.limit(bindparam("limit")) if limited else inner).subquery()
    shown = Lesson.__table__.alias("resume")
    # The last two columns only order the rows (and say, as NULL, "no enrolment" in the home page's outer join).
    return (
        select(inner.c.slug, inner.c.title_zh, inner.c.title_en, inner.c.lesson_count, inner.c.completed_count,
               inner.c.seconds, shown.c.slug.label("resume_slug"), shown.c.title_zh.label("resume_title_zh"),
               shown.c.title_en.label("resume_title_en"), inner.c.last_active_at, inner.c.id)
        .outerjoin(shown, shown.c.id == inner.c.resume_id)
        .order_by(inner.c.last_active_at.desc().nulls_last(), inner.c.id)
    )  # fmt: skip


_COURSE_SUMMARIES = PlainRead(_course_summaries_statement(limited=False))
_SUMMARY_FIELDS = len(fields(CourseSummary))


def course_summaries(session: Session, user_id: int) -> list[CourseSummary]:
    """The host's enrolments, most recently active first, in one statement."""
    rows = _COURSE_SUMMARIES.rows(session, {"user_id": user_id})
    return [CourseSummary(*row[:_SUMMARY_FIELDS]) for row in rows]


def _home_statement():
    """The home page's two reads in one statement: the row of the host's T-profile evidence (see
    lms.skills.services.evidence_version), joined to each of the host's first courses (or to nothing)."""
    evidence = skills_services.evidence_statement().subquery("evidence")
    courses = _course_summaries_statement(limited=True).subquery("courses")
    return (
        select(*evidence.c, *courses.c).select_from(evidence).outerjoin(courses, true())
        .order_by(courses.c.last_active_at.desc().nulls_last(), courses.c.id)
    )  # fmt: skip


_HOME = PlainRead(_home_statement())


@dataclass(frozen=True)
class HostHome:
    courses: list[CourseSummary]
    #: A digest of the host's T-profile evidence: the key of their cached picture.
    evidence_version: str


def host_home(session: Session, user_id: int, courses: int = 3) -> HostHome:
    """The host's ``courses`` most recently active enrolments and their evidence digest, in one statement."""
    rows = _HOME.rows(session, {"user_id": user_id, "limit": courses})
    width = len(rows[0]) - _SUMMARY_FIELDS - 2
    return HostHome(
        [CourseSummary(*row[width:width + _SUMMARY_FIELDS]) for row in rows if row[-1] is not None],
        skills_services.evidence_digest(tuple(rows[0][:width])),
    )  # fmt: skip

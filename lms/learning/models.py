"""Enrolments, lesson progress and study time (学时) as a bureau can trust it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.catalogue.models import Course, CourseVersion, Lesson
from lms.db import Base, UTCDateTime, utcnow


class Enrollment(Base):
    """A host on a course, pinned to the version they started: later edits never change what they study."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="RESTRICT"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Where "continue" takes the host.
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="SET NULL"))
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lessons_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    course: Mapped[Course] = relationship()
    version: Mapped[CourseVersion] = relationship()
    last_lesson: Mapped[Lesson | None] = relationship()


class LessonProgress(Base):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    first_opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The host pressed the button at the end of the lesson.
    reached_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StudyTime(Base):
    """Seconds of verified study per (host, lesson, day in China time): a heartbeat updates a row, never adds one."""

    __tablename__ = "study_time"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    seconds: Mapped[int] = mapped_column(Integer, default=0)


class StudyClock(Base):
    """The server time of each host's last counted heartbeat, across all tabs and devices.

    Time is credited from this one clock, so two tabs or two phones never count the same minutes twice.
    """

    __tablename__ = "study_clocks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    last_beat_at: Mapped[datetime] = mapped_column(UTCDateTime())

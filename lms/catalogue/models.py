"""Courses as stored: a course, its immutable versions (one per content hash), lessons, quizzes and assets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, UTCDateTime, utcnow


class Course(Base):
    __tablename__ = "courses"
    cache_topic = "catalogue"  # lms.cache: a change drops the shared cache of this topic

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The stable id from course.yaml (and the folder name).
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    #: The version new enrolments get; hosts who started an older one keep theirs.
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", use_alter=True, ondelete="SET NULL")
    )
    #: None: the shared catalogue. Otherwise private to that organisation.
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    #: An organisation's course that a site admin published to the shared catalogue: every host sees it, and
    #: the organisation keeps editing it.
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    current_version: Mapped["CourseVersion | None"] = relationship(foreign_keys=[current_version_id], post_update=True)
    versions: Mapped[list["CourseVersion"]] = relationship(
        back_populates="course", foreign_keys="CourseVersion.course_id", order_by="CourseVersion.number"
    )


class CourseVersion(Base):
    __tablename__ = "course_versions"
    cache_topic = "catalogue"  # lms.cache: a change drops the shared cache of this topic
    __table_args__ = (UniqueConstraint("course_id", "content_hash"), UniqueConstraint("course_id", "number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    #: SHA-256 of the course folder's files: a certificate names exactly this.
    content_hash: Mapped[str] = mapped_column(String(64))
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    summary_zh: Mapped[str] = mapped_column(Text)
    summary_en: Mapped[str] = mapped_column(Text)
    area: Mapped[str] = mapped_column(String(20), index=True)
    vertical: Mapped[str | None] = mapped_column(String(40), index=True)
    level: Mapped[int] = mapped_column(Integer)
    skills: Mapped[list] = mapped_column(JSON)
    estimated_minutes: Mapped[int] = mapped_column(Integer)
    required_minutes: Mapped[int] = mapped_column(Integer)
    prerequisites: Mapped[list] = mapped_column(JSON)
    certificate: Mapped[bool] = mapped_column(Boolean)
    #: Lower-cased titles, summaries and lesson titles in both languages, for catalogue search.
    #: Deferred: every lesson's words, read only by searches (in SQL) and by the sync; pages never load it.
    search_text: Mapped[str] = mapped_column(Text, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    course: Mapped[Course] = relationship(back_populates="versions", foreign_keys=[course_id])
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="version", order_by="Lesson.position", cascade="all, delete-orphan"
    )
    quizzes: Mapped[list["Quiz"]] = relationship(back_populates="version", cascade="all, delete-orphan")
    exercises: Mapped[list["Exercise"]] = relationship(order_by="Exercise.position", cascade="all, delete-orphan")
    assets: Mapped[list["CourseAsset"]] = relationship(cascade="all, delete-orphan")
    files: Mapped[list["CourseFile"]] = relationship(cascade="all, delete-orphan", order_by="CourseFile.path")

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_zh

    def summary(self, locale: str) -> str:
        return self.summary_en if locale == "en" else self.summary_zh

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


class Lesson(Base):
    __tablename__ = "lessons"
    cache_topic = "catalogue"  # lms.cache: a change drops the shared cache of this topic
    __table_args__ = (UniqueConstraint("version_id", "slug"), UniqueConstraint("version_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    estimated_minutes: Mapped[int] = mapped_column(Integer)
    skills: Mapped[list] = mapped_column(JSON)
    #: Sanitized HTML rendered once at import.
    html: Mapped[str] = mapped_column(Text)
    #: [[level, anchor, text], ...] for the in-page contents.
    headings: Mapped[list] = mapped_column(JSON)
    han_chars: Mapped[int] = mapped_column(Integer)
    #: [{"question", "answer", "wrong": [...]}, ...]: presence-check questions the course declares for the lesson.
    presence_questions: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    version: Mapped[CourseVersion] = relationship(back_populates="lessons")

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_zh


class Quiz(Base):
    """Settings and questions of one quiz of a course version. Answer keys live here, never in a page."""

    __tablename__ = "quizzes"
    cache_topic = "catalogue"  # lms.cache: a change drops the shared cache of this topic
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    #: pass_mark, draw, time limit, attempts, cooldown, feedback, grade method.
    settings: Mapped[dict] = mapped_column(JSON)
    #: The parsed GIFT questions (lms.quizzes.gift.to_dict).
    questions: Mapped[list] = mapped_column(JSON)
    required: Mapped[bool] = mapped_column(Boolean)

    version: Mapped[CourseVersion] = relationship(back_populates="quizzes")


class Exercise(Base):
    """A rewrite exercise of a course version: a flawed sample script the host rewrites until the script checker
    passes it. Like lessons and quizzes, never changed after import (a new version has new rows)."""

    __tablename__ = "exercises"
    cache_topic = "catalogue"  # lms.cache: a change drops the shared cache of this topic
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    instruction_zh: Mapped[str] = mapped_column(Text)
    instruction_en: Mapped[str] = mapped_column(Text)
    #: A category of the script checker (lms.scriptcheck.rules.CATEGORIES).
    category: Mapped[str] = mapped_column(String(20))
    sample: Mapped[str] = mapped_column(Text)
    #: Facts (product name, price, …) the rewrite must still contain.
    keep: Mapped[list] = mapped_column(JSON)
    model_answer: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    skills: Mapped[list] = mapped_column(JSON)

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_zh

    def instruction(self, locale: str) -> str:
        return self.instruction_en if locale == "en" else self.instruction_zh


class CourseAsset(Base):
    """An image of a course version, kept in the database so that every worker serves the same bytes."""

    __tablename__ = "course_assets"
    __table_args__ = (UniqueConstraint("version_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CourseFile(Base):
    """One file of a version's course folder, byte for byte: what export writes and what a new draft starts from."""

    __tablename__ = "course_files"
    __table_args__ = (UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"), index=True)
    #: Relative POSIX path inside the course folder, e.g. ``lessons/01-intro.md``.
    path: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)

"""What the catalogue and course pages show of a course, as plain values: one query for a whole list, never one per
course or lesson, and nothing tied to a database session (so it can be cached; see lms.cache).

A course version is immutable, so its outline (lessons and quizzes without their bodies) never changes; the cards
of the catalogue change when a course is published, synced or shared.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import cache
from lms.catalogue.models import Course, CourseVersion, Exercise, Lesson, Quiz


@dataclass(frozen=True)
class LessonLine:
    id: int
    slug: str
    position: int
    title_zh: str
    title_en: str
    estimated_minutes: int

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_zh


@dataclass(frozen=True)
class QuizLine:
    key: str
    title_zh: str
    title_en: str
    pass_mark: float
    required: bool

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_zh


@dataclass(frozen=True)
class ExerciseLine:
    key: str
    title_zh: str
    title_en: str

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_zh


@dataclass(frozen=True)
class Outline:
    lessons: tuple[LessonLine, ...]
    quizzes: tuple[QuizLine, ...]
    exercises: tuple[ExerciseLine, ...] = ()


@dataclass(frozen=True)
class LessonPage(LessonLine):
    """A lesson as its page shows it: the HTML rendered once at import, and its headings."""

    html: str
    headings: tuple


@dataclass(frozen=True)
class CourseCard:
    slug: str
    area: str
    vertical: str | None
    level: int
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    estimated_minutes: int
    lesson_count: int

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_zh

    def summary(self, locale: str) -> str:
        return self.summary_en if locale == "en" else self.summary_zh


def cards(session: Session, stmt) -> list[CourseCard]:
    """The cards of the (Course, CourseVersion) rows ``stmt`` selects, with their lesson counts, in one query."""
    lesson_count = select(func.count(Lesson.id)).where(Lesson.version_id == CourseVersion.id).scalar_subquery()
    rows = session.execute(
        stmt.with_only_columns(
            Course.slug, CourseVersion.area, CourseVersion.vertical, CourseVersion.level, CourseVersion.title_zh,
            CourseVersion.title_en, CourseVersion.summary_zh, CourseVersion.summary_en,
            CourseVersion.estimated_minutes, lesson_count,
        )
    )  # fmt: skip
    return [CourseCard(*row) for row in rows]


def version_outlines(session: Session, version_ids: list[int]) -> dict[int, Outline]:
    """The outlines of these versions, from the shared cache; the missing ones in three queries."""
    found = cache.cached_many(cache.CATALOGUE, [f"outline:{v}" for v in version_ids],
                              lambda missing: _load_outlines(session, [int(n[8:]) for n in missing]))  # fmt: skip
    return {int(name[8:]): outline for name, outline in found.items()}


def _load_outlines(session: Session, version_ids: list[int]) -> dict[str, Outline]:
    """Three queries whatever the number of versions."""
    if not version_ids:
        return {}
    lessons: dict[int, list[LessonLine]] = {v: [] for v in version_ids}
    for version_id, *values in session.execute(
        select(Lesson.version_id, Lesson.id, Lesson.slug, Lesson.position, Lesson.title_zh, Lesson.title_en,
               Lesson.estimated_minutes)
        .where(Lesson.version_id.in_(version_ids)).order_by(Lesson.version_id, Lesson.position)
    ):  # fmt: skip
        lessons[version_id].append(LessonLine(*values))
    quizzes: dict[int, list[QuizLine]] = {v: [] for v in version_ids}
    for version_id, key, title_zh, title_en, settings, required in session.execute(
        select(Quiz.version_id, Quiz.key, Quiz.title_zh, Quiz.title_en, Quiz.settings, Quiz.required)
        .where(Quiz.version_id.in_(version_ids)).order_by(Quiz.version_id, Quiz.id)
    ):  # fmt: skip
        quizzes[version_id].append(QuizLine(key, title_zh, title_en, settings.get("pass_mark", 0), required))
    exercises: dict[int, list[ExerciseLine]] = {v: [] for v in version_ids}
    for version_id, *values in session.execute(
        select(Exercise.version_id, Exercise.key, Exercise.title_zh, Exercise.title_en)
        .where(Exercise.version_id.in_(version_ids)).order_by(Exercise.version_id, Exercise.position)
    ):  # fmt: skip
        exercises[version_id].append(ExerciseLine(*values))
    return {f"outline:{v}": Outline(tuple(lessons[v]), tuple(quizzes[v]), tuple(exercises[v])) for v in version_ids}


def lesson_page(session: Session, version_id: int, slug: str) -> LessonPage | None:
    """A lesson of a version, from the shared cache (lessons never change: a new version has new rows)."""
    def make() -> LessonPage | None:
        row = session.execute(
            select(Lesson.id, Lesson.slug, Lesson.position, Lesson.title_zh, Lesson.title_en, Lesson.estimated_minutes,
                   Lesson.html, Lesson.headings).where(Lesson.version_id == version_id, Lesson.slug == slug)
        ).first()  # fmt: skip
        return None if row is None else LessonPage(*row[:7], tuple(tuple(h) for h in row[7]))

    return cache.cached(cache.CATALOGUE, f"lesson:{version_id}:{slug}", make)


def outline_and_lesson(session: Session, version_id: int, slug: str) -> tuple[Outline, LessonPage | None]:
    """:func:`version_outlines` and :func:`lesson_page` for one version in one cache round trip (the lesson page
    needs both on every request)."""
    outline_key, lesson_key = f"outline:{version_id}", f"lesson:{version_id}:{slug}"

    def make(missing: list) -> dict:
        made = _load_outlines(session, [version_id]) if outline_key in missing else {}
        if lesson_key in missing:
            made[lesson_key] = lesson_page(session, version_id, slug)
        return made

    found = cache.cached_many(cache.CATALOGUE, [outline_key, lesson_key], make)
    return found[outline_key], found[lesson_key]

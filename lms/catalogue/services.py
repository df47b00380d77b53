"""Importing course specs as immutable versions, and reading the catalogue. Services flush; callers commit."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from lms.catalogue import outlines
from lms.catalogue.fairness import quiz_fairness
from lms.catalogue.loader import ASSET_TYPES, SKILLS_FILE, LoadResult
from lms.catalogue.models import Course, CourseAsset, CourseFile, CourseVersion, Exercise, Lesson, Quiz
from lms.catalogue.rendering import render_markdown
from lms.catalogue.spec import CourseSpec
from lms.errors import NotFound
from lms.quizzes.gift import to_dict
from lms.resources import shipped

def shipped_skills() -> Path:
    """The skills framework shipped with the site (in the installed package, or the checkout's courses/): course
    folders without their own skills.yaml are checked against it."""
    return shipped("courses") / SKILLS_FILE


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    new_versions: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    #: Ids taken by another organisation's course (also in ``rejected``).
    foreign: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.new_versions)


def sync_catalogue(session: Session, result: LoadResult, org_id: int | None = None) -> SyncReport:
    """Import every problem-free course of ``result``; a course with a problem changes nothing at all."""
    report = SyncReport(rejected=sorted(set(result.rejected)))
    for spec in result.courses:
        owner = session.scalar(select(Course.org_id).where(Course.slug == spec.id))
        if owner is not None and owner != org_id:
            # The id belongs to an organisation's own course: never add a version to it from elsewhere.
            report.rejected.append(spec.id)
            report.foreign.append(spec.id)
            continue
        with session.begin_nested():  # one course's rows go in together or not at all
            outcome = _sync_course(session, spec, org_id)
        if outcome == "created":
            report.created.append(spec.id)
        elif outcome == "unchanged":
            report.unchanged.append(spec.id)
        else:
            report.new_versions.append((spec.id, int(outcome)))
    session.flush()
    return report


def _sync_course(session: Session, spec: CourseSpec, org_id: int | None) -> str:
    course = session.scalar(select(Course).where(Course.slug == spec.id))
    created = course is None
    if course is None:
        course = Course(slug=spec.id, org_id=org_id)
        session.add(course)
        session.flush()
    existing = session.scalar(
        select(CourseVersion).where(
            CourseVersion.course_id == course.id, CourseVersion.content_hash == spec.content_hash
        )
    )
    if existing is not None:
        if not existing.files and spec.files:  # versions imported before sources were kept
            existing.files = _course_files(spec)
        search_text = _search_text(spec)
        if existing.search_text != search_text:  # versions indexed before lesson text was searchable
            existing.search_text = search_text
        if course.current_version_id == existing.id:
            return "unchanged"
        course.current_version_id = existing.id  # the files went back to an earlier version
        return str(existing.number)
    number = (session.scalar(select(func.max(CourseVersion.number)).where(CourseVersion.course_id == course.id)) or 0) + 1
    version = build_version(spec, course, number)
    session.add(version)
    session.flush()
    course.current_version_id = version.id
    session.flush()
    return "created" if created else str(number)


def build_version(spec: CourseSpec, course: Course, number: int) -> CourseVersion:
    def asset_url(name: str) -> str:
        return f"/courses/{spec.id}/v{number}/assets/{name}"

    def lesson_url(target: str) -> str:
        name, _, anchor = target.partition("#")
        slug = name[3:-3]
        return f"/courses/{spec.id}/lessons/{slug}" + (f"#{anchor}" if anchor else "")

    version = CourseVersion(
        course=course,
        number=number,
        content_hash=spec.content_hash,
        title_zh=spec.title.get("zh-CN", ""),
        title_en=spec.title.get("en", ""),
        summary_zh=spec.summary.get("zh-CN", ""),
        summary_en=spec.summary.get("en", ""),
        area=spec.area,
        vertical=spec.vertical,
        level=spec.level,
        skills=spec.skills,
        estimated_minutes=spec.estimated_minutes,
        required_minutes=spec.required_minutes,
        prerequisites=spec.prerequisites,
        certificate=spec.certificate,
        search_text=_search_text(spec),
    )
    for lesson in spec.lessons:
        rendered = render_markdown(
            lesson.markdown, asset_url=asset_url, lesson_url=lesson_url, anchor_prefix="s-"
        )
        version.lessons.append(
            Lesson(
                slug=lesson.slug,
                position=lesson.position,
                title_zh=lesson.title.get("zh-CN", ""),
                title_en=lesson.title.get("en", ""),
                estimated_minutes=lesson.estimated_minutes,
                skills=lesson.skills,
                html=rendered.html,
                headings=[list(h) for h in rendered.headings],
                han_chars=lesson.han_chars,
                presence_questions=lesson.presence_questions,
            )
        )
    for quiz in spec.quizzes:
        version.quizzes.append(
            Quiz(
                key=quiz.id,
                title_zh=quiz.title.get("zh-CN", ""),
                title_en=quiz.title.get("en", ""),
                settings={
                    "pass_mark": quiz.pass_mark,
                    "draw": [{"category": r.category, "count": r.count} for r in quiz.draw],
                    "time_limit_minutes": quiz.time_limit_minutes,
                    "attempts": quiz.attempts,
                    "cooldown_minutes": quiz.cooldown_minutes,
                    "feedback": quiz.feedback,
                    "grade": quiz.grade,
                    **{f"review_{part}": when for part, when in quiz.review.items()},
                    **({} if quiz.open_after_lessons is None else {"open_after_lessons": quiz.open_after_lessons}),
                },
                questions=[{**to_dict(q), "skills": q.skills, "difficulty": q.difficulty} for q in quiz.questions],
                required=quiz.required,
            )
        )
    version.exercises = [
        Exercise(
            key=e.key, position=e.position, title_zh=e.title.get("zh-CN", ""), title_en=e.title.get("en", ""),
            instruction_zh=e.instruction.get("zh-CN", ""), instruction_en=e.instruction.get("en", ""),
            category=e.category, sample=e.sample, keep=e.keep, model_answer=e.model_answer,
            explanation=e.explanation, skills=e.skills,
        )  # fmt: skip
        for e in spec.exercises
    ]
    version.assets = [
        CourseAsset(
            name=name,
            media_type=ASSET_TYPES[name[name.rfind("."):].lower()],
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )
        for name, data in sorted(spec.assets.items())
    ]
    version.files = _course_files(spec)
    return version


def _course_files(spec: CourseSpec) -> list[CourseFile]:
    return [CourseFile(path=path, data=data) for path, data in sorted(spec.files.items())]


_MARKUP = re.compile(r"\]\([^)]*\)|\[\^[^\]]*\]|[#*_>|`!\[\]-]+|https?://\S+")


def _search_text(spec: CourseSpec) -> str:
    """Titles, summaries and the lessons' own words (markup and link targets left out), lower-cased for LIKE."""
    parts = [*spec.title.values(), *spec.summary.values()]
    for lesson in spec.lessons:
        parts.extend(lesson.title.values())
        parts.append(" ".join(_MARKUP.sub(" ", lesson.markdown).split()))
    return " ".join(parts).lower()


def catalogue_stats(result: LoadResult) -> list[dict]:
    """Per-course figures for reviewing content by script (``lms courses stats PATH --json``)."""
    stats = []
    for spec in result.courses:
        questions = [q for quiz in spec.quizzes for q in quiz.questions if q.type != "description"]
        stats.append(
            {
                "slug": spec.id,
                "area": spec.area,
                "vertical": spec.vertical,
                "lessons": [{"slug": lesson.slug, "chars": lesson.han_chars} for lesson in spec.lessons],
                "questions": len(questions),
                "questions_with_feedback": sum(1 for q in questions if (q.general_feedback or "").strip()),
                "quiz_fairness": {quiz.id: quiz_fairness(quiz.questions).as_dict() for quiz in spec.quizzes},
            }
        )
    return stats


# --- reading -------------------------------------------------------------------------------------------------


def visible_courses_query(org_ids: list[int]):
    """Courses a user may see: the shared catalogue and their organisations' own courses."""
    visible = or_(Course.org_id.is_(None), Course.shared.is_(True))
    if org_ids:
        visible = or_(visible, Course.org_id.in_(org_ids))
    return (
        select(Course, CourseVersion)
        .join(CourseVersion, Course.current_version_id == CourseVersion.id)
        .where(visible)
    )


def list_courses(
    session: Session,
    *,
    org_ids: list[int],
    area: str | None = None,
    vertical: str | None = None,
    query: str | None = None,
) -> list[tuple[Course, CourseVersion]]:
    stmt = _catalogue_query(org_ids, area, vertical, query)
    return [(course, version) for course, version in session.execute(stmt)]


def course_cards(
    session: Session, *, org_ids: list[int], area: str | None = None, vertical: str | None = None,
    query: str | None = None,
) -> list[outlines.CourseCard]:
    """The catalogue as cards (plain values, lesson counts included): one query."""
    return outlines.cards(session, _catalogue_query(org_ids, area, vertical, query))


def _catalogue_query(org_ids: list[int], area: str | None, vertical: str | None, query: str | None):
    stmt = visible_courses_query(org_ids)
    if area:
        stmt = stmt.where(CourseVersion.area == area)
    if vertical:
        stmt = stmt.where(CourseVersion.vertical == vertical)
    for word in (query or "").lower().split()[:5]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(CourseVersion.search_text.like(f"%{escaped}%", escape="\\"))
    return stmt.order_by(CourseVersion.area, CourseVersion.level, Course.slug)


#: Built once: the course and lesson pages ask on every request, and building a statement costs more than running it.
_VISIBLE_BY_SLUG = (
    select(Course, CourseVersion)
    .join(CourseVersion, Course.current_version_id == CourseVersion.id)
    .where(Course.slug == bindparam("slug"),
           or_(Course.org_id.is_(None), Course.shared.is_(True),
               Course.org_id.in_(bindparam("org_ids", expanding=True))))
)  # fmt: skip


def get_visible_course(session: Session, slug: str, org_ids: list[int]) -> tuple[Course, CourseVersion]:
    """The course (and its current version) if the user may see it: the shared catalogue, or one of their
    organisations' own courses (the same rule as :func:`visible_courses_query`)."""
    row = session.execute(_VISIBLE_BY_SLUG, {"slug": slug, "org_ids": list(org_ids)}).first()
    if row is None:
        raise NotFound("course not found")
    return row[0], row[1]


def course_titles(session: Session, slugs: list[str]) -> dict[str, CourseVersion]:
    rows = session.execute(
        select(Course.slug, CourseVersion)
        .join(CourseVersion, Course.current_version_id == CourseVersion.id)
        .where(Course.slug.in_(slugs))
    )
    return {slug: version for slug, version in rows}


def get_asset(session: Session, slug: str, number: int, name: str, org_ids: list[int]) -> tuple[CourseAsset, bool]:
    """The image, and whether everyone may see it (a catalogue course) rather than an organisation's members only."""
    public = or_(Course.org_id.is_(None), Course.shared.is_(True))
    visible = or_(public, Course.org_id.in_(org_ids)) if org_ids else public
    row = session.execute(
        select(CourseAsset, public)
        .join(CourseVersion, CourseAsset.version_id == CourseVersion.id)
        .join(Course, CourseVersion.course_id == Course.id)
        .where(Course.slug == slug, CourseVersion.number == number, CourseAsset.name == name, visible)
    ).first()
    if row is None:
        raise NotFound("asset not found")
    return row[0], bool(row[1])

"""Enrolment, reading lessons, heartbeats and the study record. Services flush; the caller commits once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, bindparam, case, cast, func, literal, literal_column, select, union_all, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import ScalarSelect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from lms import spreadsheets
from lms.catalogue.models import Course, CourseVersion, Lesson
from lms.catalogue.outlines import LessonLine, version_outlines
from lms.db import utcnow
from lms.errors import NotFound, ValidationFailed
from lms.learning.models import Enrollment, LessonProgress, StudyClock, StudyTime
from lms.learning.studytime import cap_to_daily_max, credit
from lms.signals import enrollment_progressed


@dataclass(frozen=True)
class StudyRules:
    """How study time is counted and when a lesson is complete (see docs/study-hours.md)."""

    #: Heartbeats further apart than this earn nothing (three missed 30-second beats mean the reader is gone).
    max_gap: timedelta = timedelta(seconds=90)
    #: A lesson is complete when the host reached its end and spent this share of its estimated time on it.
    completion_ratio: float = 0.5
    #: At most this many seconds are credited per host and China day over all lessons (the programme's study
    #: policy, lms/evidence); None: no daily maximum.
    daily_max_seconds: int | None = None

    def required_seconds(self, lesson: Lesson) -> int:
        return int(lesson.estimated_minutes * 60 * self.completion_ratio)


def enroll(session: Session, user_id: int, course: Course) -> Enrollment:
    """Enrol on the course's current version; enrolling again returns the existing enrolment unchanged."""
    existing = enrollment_for(session, user_id, course.id)
    if existing is not None:
        return existing
    if course.current_version_id is None:
        raise NotFound(_l("This course is not available."))
    enrollment = Enrollment(user_id=user_id, course_id=course.id, version_id=course.current_version_id)
    try:
        with session.begin_nested():
            session.add(enrollment)
            session.flush()
    except IntegrityError:  # a double click or a second tab enrolled at the same moment
        return enrollment_for(session, user_id, course.id)  # type: ignore[return-value]
    return enrollment


# The statements the pages hosts use most run on every request: built once, with bound parameters (building a
# statement costs more CPU than running it).
_ENROLLMENT_FOR = select(Enrollment).where(Enrollment.user_id == bindparam("user_id"),
                                           Enrollment.course_id == bindparam("course_id"))  # fmt: skip
_ENROLLMENT_FOR_LESSON = (
    select(Enrollment).join(Lesson, Lesson.version_id == Enrollment.version_id)
    .where(Enrollment.user_id == bindparam("user_id"), Lesson.id == bindparam("lesson_id"))
    .options(joinedload(Enrollment.version))
)  # fmt: skip
_ENROLLMENTS_OF = (
    select(Enrollment).where(Enrollment.user_id == bindparam("user_id"))
    .options(joinedload(Enrollment.course), joinedload(Enrollment.version))
    .order_by(Enrollment.last_active_at.desc().nulls_last(), Enrollment.id)
)  # fmt: skip


def enrollment_for(session: Session, user_id: int, course_id: int) -> Enrollment | None:
    return session.scalar(_ENROLLMENT_FOR, {"user_id": user_id, "course_id": course_id})


def enrollment_for_lesson(session: Session, user_id: int, lesson_id: int) -> Enrollment | None:
    """The host's enrolment whose version holds this lesson (heartbeats for other lessons are refused), with its
    version (the heartbeat reads its certificate rule)."""
    return session.scalar(_ENROLLMENT_FOR_LESSON, {"user_id": user_id, "lesson_id": lesson_id})


def enrollments_of(session: Session, user_id: int) -> list[Enrollment]:
    """The learner's enrolments, most recently active first, with their course and version (pages show both)."""
    return list(session.scalars(_ENROLLMENTS_OF, {"user_id": user_id}).unique())


def lesson_of(session: Session, enrollment: Enrollment, lesson_slug: str) -> Lesson:
    lesson = session.scalar(
        select(Lesson).where(Lesson.version_id == enrollment.version_id, Lesson.slug == lesson_slug)
    )
    if lesson is None:
        raise NotFound(_l("This lesson does not exist in your version of the course."))
    return lesson


#: Opening the lesson last opened again within this time writes nothing: heartbeats keep the activity time fresh.
REOPEN_QUIET = timedelta(minutes=5)


def open_lesson(
    session: Session, enrollment: Enrollment, lesson: Lesson, now: datetime | None = None, opened: bool | None = None
) -> None:
    """Record that the learner opened the lesson: its first opening (a progress row) and the enrolment's "continue
    here" pointer. ``opened`` says whether the lesson was opened before (the page knows it from the progress it
    shows); a reload of the lesson just read writes nothing, another lesson is one UPDATE."""
    now = now or utcnow()
    if opened is None:
        opened = session.scalar(
            select(LessonProgress.id).where(LessonProgress.user_id == enrollment.user_id,
                                            LessonProgress.lesson_id == lesson.id)
        ) is not None  # fmt: skip
    if not opened:
        _progress(session, enrollment.user_id, lesson.id, now)
    last_active = enrollment.last_active_at
    if enrollment.last_lesson_id != lesson.id or last_active is None or now - last_active > REOPEN_QUIET:
        enrollment.last_lesson_id = lesson.id
        enrollment.last_active_at = now
    session.flush()


def _progress(session: Session, user_id: int, lesson_id: int, now: datetime) -> LessonProgress:
    progress = session.scalar(
        select(LessonProgress).where(LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id)
    )
    if progress is not None:
        return progress
    progress = LessonProgress(user_id=user_id, lesson_id=lesson_id, first_opened_at=now)
    try:
        with session.begin_nested():
            session.add(progress)
            session.flush()
    except IntegrityError:
        progress = session.scalar(
            select(LessonProgress).where(LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id)
        )
    return progress  # type: ignore[return-value]


def heartbeat(
    session: Session, user_id: int, lesson_id: int, rules: StudyRules, now: datetime | None = None, start: bool = False,
    on_credit: Callable[[date, int], None] | None = None,
) -> int:
    """Credit the time since the host's previous heartbeat (from any tab) to this lesson; return the seconds.

    ``start`` marks the first beat after a lesson page opened or became visible again: it starts the clock and
    earns nothing, so time spent on other pages or in another app never counts. ``on_credit`` hears each
    (China day, seconds) credited.
    """
    now = now or utcnow()
    clock = session.scalar(select(StudyClock).where(StudyClock.user_id == user_id).execution_options(populate_existing=True))
    if clock is None:
        try:
            with session.begin_nested():
                session.add(StudyClock(user_id=user_id, last_beat_at=now))
                session.flush()
        except IntegrityError:
            pass  # another tab started the clock at the same moment: this beat earns nothing
        return 0
    last = clock.last_beat_at
    if now <= last:
        return 0
    if start:
        session.execute(
            update(StudyClock).where(StudyClock.user_id == user_id, StudyClock.last_beat_at == last)
            .values(last_beat_at=now).execution_options(synchronize_session=False)
        )  # fmt: skip
        return 0
    # Compare-and-set: of two heartbeats racing from two tabs or two workers, only one moves the clock and
    # earns the interval; the other earns nothing.
    moved = session.execute(
        update(StudyClock)
        .where(StudyClock.user_id == user_id, StudyClock.last_beat_at == last)
        .values(last_beat_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        return 0
    earned = 0
    parts = credit(last, now, rules.max_gap)
    if parts and rules.daily_max_seconds is not None:
        parts = cap_to_daily_max(parts, credited_on(session, user_id, [day for day, _s in parts]), rules.daily_max_seconds)
    for day, seconds in parts:
        _add_study_time(session, user_id, lesson_id, day, seconds)
        earned += seconds
        if on_credit is not None:
            on_credit(day, seconds)
    session.flush()
    return earned


def _add_study_time(session: Session, user_id: int, lesson_id: int, day: date, seconds: int) -> None:
    where = (StudyTime.user_id == user_id, StudyTime.lesson_id == lesson_id, StudyTime.day == day)
    updated = session.execute(
        update(StudyTime).where(*where).values(seconds=StudyTime.seconds + seconds)
        .execution_options(synchronize_session=False)
    ).rowcount
    if updated:
        return
    try:
        with session.begin_nested():
            session.add(StudyTime(user_id=user_id, lesson_id=lesson_id, day=day, seconds=seconds))
            session.flush()
    except IntegrityError:
        session.execute(
            update(StudyTime).where(*where).values(seconds=StudyTime.seconds + seconds)
            .execution_options(synchronize_session=False)
        )


def credited_on(session: Session, user_id: int, days: list[date]) -> dict[date, int]:
    """Seconds already credited to the host on each of these China days, over all lessons."""
    rows = session.execute(
        select(StudyTime.day, func.sum(StudyTime.seconds))
        .where(StudyTime.user_id == user_id, StudyTime.day.in_(days)).group_by(StudyTime.day)
    )  # fmt: skip
    return {day: int(total or 0) for day, total in rows}


def lesson_seconds(session: Session, user_id: int, lesson_ids: list[int]) -> dict[int, int]:
    if not lesson_ids:
        return {}
    rows = session.execute(_LESSON_SECONDS, {"user_id": user_id, "lesson_ids": list(lesson_ids)})
    return {lesson_id: int(total or 0) for lesson_id, total in rows}


_LESSON_SECONDS = (
    select(StudyTime.lesson_id, func.sum(StudyTime.seconds))
    .where(StudyTime.user_id == bindparam("user_id"), StudyTime.lesson_id.in_(bindparam("lesson_ids", expanding=True)))
    .group_by(StudyTime.lesson_id)
)  # fmt: skip
_PROGRESS_ROWS = select(LessonProgress).where(
    LessonProgress.user_id == bindparam("user_id"), LessonProgress.lesson_id.in_(bindparam("lesson_ids", expanding=True)))


def finish_lesson(
    session: Session, enrollment: Enrollment, lesson: Lesson, rules: StudyRules, now: datetime | None = None
) -> LessonProgress:
    """The host reached the end of the lesson. It completes once enough verified time was spent on it too."""
    now = now or utcnow()
    progress = _progress(session, enrollment.user_id, lesson.id, now)
    progress.reached_end_at = progress.reached_end_at or now
    spent = lesson_seconds(session, enrollment.user_id, [lesson.id]).get(lesson.id, 0)
    needed = rules.required_seconds(lesson)
    if progress.completed_at is None:
        if spent < needed:
            session.flush()
            minutes = max(1, -(-(needed - spent) // 60))
            raise ValidationFailed(
                _l("Spend about %(minutes)d more minute(s) on this lesson before moving on: study time is only "
                   "counted while the page is open and you are reading.", minutes=minutes)
            )
        progress.completed_at = now
    _update_course_completion(session, enrollment, now)
    session.flush()
    enrollment_progressed.send(session, enrollment=enrollment)
    return progress


def _update_course_completion(session: Session, enrollment: Enrollment, now: datetime) -> None:
    total = session.scalar(select(func.count()).select_from(Lesson).where(Lesson.version_id == enrollment.version_id))
    done = session.scalar(
        select(func.count())
        .select_from(LessonProgress)
        .join(Lesson, LessonProgress.lesson_id == Lesson.id)
        .where(
            Lesson.version_id == enrollment.version_id,
            LessonProgress.user_id == enrollment.user_id,
            LessonProgress.completed_at.is_not(None),
        )
    )
    if total and done == total and enrollment.lessons_completed_at is None:
        enrollment.lessons_completed_at = now


@dataclass
class LessonState:
    lesson: LessonLine
    seconds: int
    completed: bool
    reached_end: bool


@dataclass
class CourseProgress:
    enrollment: Enrollment
    lessons: list[LessonState]
    #: Ids of the lessons the learner has opened (that have a progress row).
    opened: set[int] = field(default_factory=set)

    @property
    def completed_count(self) -> int:
        return sum(1 for s in self.lessons if s.completed)

    @property
    def percent(self) -> int:
        return round(100 * self.completed_count / len(self.lessons)) if self.lessons else 0

    @property
    def seconds(self) -> int:
        return sum(s.seconds for s in self.lessons)

    @property
    def resume_lesson(self) -> Lesson | None:
        """Where 'continue' goes: the lesson last opened if unfinished, else the first unfinished one."""
        last = self.enrollment.last_lesson_id
        for state in self.lessons:
            if state.lesson.id == last and not state.completed:
                return state.lesson
        for state in self.lessons:
            if not state.completed:
                return state.lesson
        return self.lessons[-1].lesson if self.lessons else None


def course_progress(session: Session, enrollment: Enrollment) -> CourseProgress:
    return course_progresses(session, [enrollment])[0]


def course_progresses(session: Session, enrollments: list[Enrollment]) -> list[CourseProgress]:
    """Progress on each enrolment: the versions' outlines (cached) and two queries per learner, however many
    courses and lessons there are."""
    lines = version_outlines(session, sorted({e.version_id for e in enrollments}))
    seconds: dict[tuple[int, int], int] = {}
    done: dict[tuple[int, int], LessonProgress] = {}
    for user_id in sorted({e.user_id for e in enrollments}):
        ids = [line.id for e in enrollments if e.user_id == user_id for line in lines[e.version_id].lessons]
        seconds.update({(user_id, lesson_id): s for lesson_id, s in lesson_seconds(session, user_id, ids).items()})
        if ids:
            done.update({
                (user_id, p.lesson_id): p
                for p in session.scalars(_PROGRESS_ROWS, {"user_id": user_id, "lesson_ids": ids})
            })  # fmt: skip
    return [
        CourseProgress(
            enrollment=e,
            lessons=[
                LessonState(
                    lesson=line,
                    seconds=seconds.get((e.user_id, line.id), 0),
                    completed=bool(done.get((e.user_id, line.id)) and done[(e.user_id, line.id)].completed_at),
                    reached_end=bool(done.get((e.user_id, line.id)) and done[(e.user_id, line.id)].reached_end_at),
                )
                for line in lines[e.version_id].lessons
            ],
            opened={line.id for line in lines[e.version_id].lessons if (e.user_id, line.id) in done},
        )
        for e in enrollments
    ]


class _CommaJoined(FunctionElement):
    """Text values joined by commas, an aggregate: ``aggregate_strings`` renders its separator as a literal that is
    put into the SQL at every execution; this writes it into the statement once."""

    type = String()
    inherit_cache = True


@compiles(_CommaJoined, "postgresql")
def _string_agg(element, compiler, **kw) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, ',')"


@compiles(_CommaJoined)
def _group_concat(element, compiler, **kw) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


def lesson_figures(version_id) -> ScalarSelect:
    """The lesson page's per-lesson figures of the host (the ``user_id`` parameter) on the lessons of ``version_id``
    (a value or a scalar subquery), as ONE text column for the page's own statement: "lesson:seconds:0:0:0" per
    lesson studied and "lesson:0:1:completed:reached" per lesson opened, joined by commas (NULL when there are
    none); :func:`lesson_states` reads it. Text, not rows: the page needs one row, and one statement."""
    states = union_all(
        select(StudyTime.lesson_id.label("lesson_id"), func.coalesce(func.sum(StudyTime.seconds), 0).label("seconds"),
               literal_column("0").label("opened"), literal_column("0").label("completed"),
               literal_column("0").label("reached"))
        .join(Lesson, Lesson.id == StudyTime.lesson_id)
        .where(StudyTime.user_id == bindparam("user_id"), Lesson.version_id == version_id)
        .group_by(StudyTime.lesson_id),
        select(LessonProgress.lesson_id, literal_column("0"), literal_column("1"),
               case((LessonProgress.completed_at.is_not(None), 1), else_=0),
               case((LessonProgress.reached_end_at.is_not(None), 1), else_=0))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == bindparam("user_id"), Lesson.version_id == version_id),
    ).subquery()  # fmt: skip
    colon = literal(":", String)
    entry = cast(states.c.lesson_id, String) + colon + cast(states.c.seconds, String) + colon \
        + cast(states.c.opened, String) + colon + cast(states.c.completed, String) + colon \
        + cast(states.c.reached, String)  # fmt: skip
    return select(_CommaJoined(entry)).scalar_subquery()


def lesson_states(figures: str | None, lines: tuple[LessonLine, ...] | list[LessonLine]
                  ) -> tuple[list[LessonState], set[int]]:
    """The host's state on each of these lessons and the ids of those opened, from :func:`lesson_figures`' text:
    what :func:`course_progress` gives for one enrolment, without ORM objects."""
    seconds: dict[int, int] = {}
    flags: dict[int, tuple[bool, bool]] = {}
    if figures:
        for entry in figures.split(","):
            lesson_id, spent, opened, completed, reached = entry.split(":")
            if opened == "1":
                flags[int(lesson_id)] = (completed == "1", reached == "1")
            else:
                seconds[int(lesson_id)] = int(spent)
    unopened = (False, False)
    states = [LessonState(lesson=line, seconds=seconds.get(line.id, 0), completed=flags.get(line.id, unopened)[0],
                          reached_end=flags.get(line.id, unopened)[1]) for line in lines]  # fmt: skip
    return states, set(flags)


def open_lesson_at(session: Session, *, user_id: int, enrollment_id: int, lesson_id: int, last_lesson_id: int | None,
                   last_active_at: datetime | None, opened: bool, now: datetime | None = None) -> bool:
    """:func:`open_lesson` from plain values; says whether it wrote (the caller commits only then). A reload of
    the lesson just read writes nothing; another lesson is one UPDATE; a first opening adds its progress row with
    one INSERT that a second tab's row cannot fail (no lookup, no savepoint)."""
    now = now or utcnow()
    wrote = False
    if not opened:
        connection = session.connection()
        connection.execute(_insert_ignoring_duplicate(connection.dialect.name),
                           {"user_id": user_id, "lesson_id": lesson_id, "first_opened_at": now})  # fmt: skip
        wrote = True
    if last_lesson_id != lesson_id or last_active_at is None or now - last_active_at > REOPEN_QUIET:
        session.connection().execute(_OPEN_AT, {"enrollment_id": enrollment_id, "lesson_id": lesson_id, "now": now})
        wrote = True
    return wrote


_OPEN_AT = (update(Enrollment).where(Enrollment.id == bindparam("enrollment_id"))
            .values(last_lesson_id=bindparam("lesson_id"), last_active_at=bindparam("now")))  # fmt: skip
_FIRST_OPENING: dict[str, object] = {}


def _insert_ignoring_duplicate(dialect_name: str):
    """INSERT ... ON CONFLICT DO NOTHING of a progress row, built once per dialect (only the site's own dialect
    module is imported)."""
    statement = _FIRST_OPENING.get(dialect_name)
    if statement is None:
        if dialect_name == "postgresql":
            from sqlalchemy.dialects import postgresql as dialect
        else:
            from sqlalchemy.dialects import sqlite as dialect
        statement = _FIRST_OPENING[dialect_name] = dialect.insert(LessonProgress).values(
            user_id=bindparam("user_id"), lesson_id=bindparam("lesson_id"), first_opened_at=bindparam("first_opened_at"),
        ).on_conflict_do_nothing(index_elements=[LessonProgress.user_id, LessonProgress.lesson_id])
    return statement


@dataclass
class StudyRow:
    day: date
    course_slug: str
    course_title_zh: str
    course_title_en: str
    version: int
    lesson_slug: str
    lesson_title_zh: str
    lesson_title_en: str
    seconds: int


def study_rows(session: Session, user_id: int) -> list[StudyRow]:
    """Every (day, lesson) with study time, newest day first: the host's study record (学习档案)."""
    rows = session.execute(
        select(StudyTime.day, Course.slug, CourseVersion, Lesson, StudyTime.seconds)
        .join(Lesson, StudyTime.lesson_id == Lesson.id)
        .join(CourseVersion, Lesson.version_id == CourseVersion.id)
        .join(Course, CourseVersion.course_id == Course.id)
        .where(StudyTime.user_id == user_id, StudyTime.seconds > 0)
        .order_by(StudyTime.day.desc(), Course.slug, Lesson.position)
    )
    return [
        StudyRow(day, slug, v.title_zh, v.title_en, v.number, lesson.slug, lesson.title_zh, lesson.title_en, seconds)
        for day, slug, v, lesson, seconds in rows
    ]


CSV_COLUMNS = ["date", "course", "course_title", "course_version", "lesson", "lesson_title", "minutes", "seconds"]


def study_record_csv(rows: list[StudyRow], locale: str) -> bytes:
    """The study record as CSV (UTF-8 with BOM, so that Excel in China opens the Chinese text correctly)."""
    english = locale == "en"
    return spreadsheets.csv_bytes(CSV_COLUMNS, (
        [r.day, r.course_slug, r.course_title_en if english else r.course_title_zh, r.version, r.lesson_slug,
         r.lesson_title_en if english else r.lesson_title_zh, round(r.seconds / 60, 1), r.seconds]
        for r in rows
    ))  # fmt: skip

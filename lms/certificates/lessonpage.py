"""What the lesson page shows a host, in one plain statement: the enrolment with its course, version, certificate
status, face-image consent, governing study policy, and the host's figures on the version's lessons.

The lesson and the version's outline are kept in the worker (immutable once imported), filled from the shared
cache (lms.catalogue.outlines). Nothing personal is kept or cached: every figure the page shows about the host
(progress, standing, policy, consent) is read at each request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, bindparam, cast, func, literal, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from lms.accounts.models import ConsentRecord
from lms.catalogue.models import Course, CourseVersion
from lms.catalogue.outlines import LessonPage, Outline, outline_and_lesson
from lms.certificates.models import SUPERSEDED, VALID, Certificate
from lms.certificates.standing import Standing, standing as full_standing
from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.config import Config
from lms.db import PlainRead
from lms.errors import NotFound
from lms.evidence.identity_services import FACE_PURPOSE, FACE_VERSION
from lms.evidence.models import StudyPolicyRecord
from lms.evidence.policy import DEFAULT, StudyPolicy
from lms.evidence.services import FIELDS, Governing
from lms.learning import services as learning
from lms.learning.models import Enrollment
from lms.memo import Memo
from lms.orgs.models import Membership, OrgKind, Organisation, Role


@dataclass(frozen=True)
class PageStanding(Standing):
    """A standing whose certificate is known by its status only (the page announces a valid one, nothing more)."""

    valid: bool = False

    @property
    def issued(self) -> bool:  # type: ignore[override]
        return self.valid


@dataclass(frozen=True, slots=True)
class PageEnrolment:
    """The enrolment's columns a CourseProgress reads, as plain values (an ORM Enrollment costs its instrumentation
    and must be kept out of the session)."""

    id: int
    user_id: int
    course_id: int
    version_id: int
    last_lesson_id: int | None
    lessons_completed_at: datetime | None


@dataclass(frozen=True)
class LessonView:
    course_slug: str
    course_title_zh: str
    course_title_en: str
    lesson: LessonPage
    progress: learning.CourseProgress
    state: learning.LessonState
    previous: object | None
    next: object | None
    standing: Standing
    policy: StudyPolicy
    consented: bool
    identity_unmet: bool
    required_seconds: int
    #: Whether opening the page wrote (a first opening, another lesson, a certificate issued): commit only then.
    recorded: bool = False

    def course_title(self, locale: str) -> str:
        return self.course_title_en if locale == "en" else self.course_title_zh


# Built once (building a statement costs more than running it). The policy is the newest cohort's (holding the
# host and the course) override, else that cohort's organisation's, else the host's agency's: as
# lms.evidence.services.policy_for decides it.
_current = aliased(CourseVersion)
_studied = aliased(CourseVersion)


def _newest_cohort(column, course_id):
    return (select(column).join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .join(CohortCourse, CohortCourse.cohort_id == Cohort.id)
            .where(CohortMember.user_id == bindparam("user_id"), CohortCourse.course_id == course_id)
            .order_by(Cohort.id.desc()).limit(1).scalar_subquery())  # fmt: skip


_AGENCY = (
    select(Membership.org_id).join(Organisation, Membership.org_id == Organisation.id)
    .where(Membership.user_id == bindparam("user_id"), Membership.role == Role.LEARNER, Organisation.kind == OrgKind.MCN)
    .order_by(Membership.id).limit(1).scalar_subquery()
)  # fmt: skip


# The version the host studies, by parameters only (the lesson figures' subquery is not correlated: each database
# works it out once).
_ENROLLED_VERSION = (
    select(Enrollment.version_id).join(Course, Course.id == Enrollment.course_id)
    .where(Enrollment.user_id == bindparam("user_id"), Course.slug == bindparam("slug")).scalar_subquery()
)  # fmt: skip
_pick = (
    select(
        Enrollment.id.label("enrollment_id"), Enrollment.course_id, Enrollment.version_id, Enrollment.last_lesson_id,
        Enrollment.last_active_at, Enrollment.lessons_completed_at, Course.slug,
        _studied.title_zh, _studied.title_en, _studied.certificate, _studied.required_minutes,
        select(Certificate.status).where(Certificate.enrollment_id == Enrollment.id, Certificate.status != SUPERSEDED)
        .order_by(Certificate.id.desc()).limit(1).scalar_subquery().label("certificate_status"),
        select(ConsentRecord.id).where(ConsentRecord.user_id == bindparam("user_id"),
                                       ConsentRecord.purpose == FACE_PURPOSE, ConsentRecord.version == FACE_VERSION,
                                       ConsentRecord.withdrawn_at.is_(None)).exists().label("consented"),
        _studied.content_hash, _studied.created_at.label("version_created_at"),
        learning.lesson_figures(_ENROLLED_VERSION).label("lesson_figures"),
        _newest_cohort(Cohort.id, Course.id).label("cohort_id"),
        _newest_cohort(Cohort.org_id, Course.id).label("cohort_org_id"),
        _AGENCY.label("agency_id"),
    )
    .select_from(Course)
    .join(_current, Course.current_version_id == _current.id)
    .join(Enrollment, (Enrollment.course_id == Course.id) & (Enrollment.user_id == bindparam("user_id")))
    .join(_studied, _studied.id == Enrollment.version_id)
    .where(Course.slug == bindparam("slug"),
           or_(Course.org_id.is_(None), Course.shared.is_(True),
               Course.org_id.in_(select(Membership.org_id).where(Membership.user_id == bindparam("user_id")))))
    # OFFSET 0 keeps PostgreSQL from folding this into the outer query, where the policy joins would evaluate the
    # cohort lookups again: the page's statement cost 0.29 ms of server CPU with that, 0.21 without.
    .offset(0)
    .subquery()
)  # fmt: skip
_POLICY_COLUMNS = ("scope", "version", *FIELDS)


def _with_policies(pick):
    """``pick`` (cohort_id, cohort_org_id, agency_id among its columns) and both candidate policies' columns."""
    cohort_policy, org_policy = aliased(StudyPolicyRecord), aliased(StudyPolicyRecord)
    return (
        select(pick, *(getattr(cohort_policy, n) for n in _POLICY_COLUMNS),
               *(getattr(org_policy, n) for n in _POLICY_COLUMNS))
        .outerjoin(cohort_policy, cohort_policy.scope == literal("cohort:", String) + cast(pick.c.cohort_id, String))
        .outerjoin(org_policy, org_policy.scope == literal("org:", String)
                   + cast(func.coalesce(pick.c.cohort_org_id, pick.c.agency_id), String))
    )  # fmt: skip


_LESSON_PAGE = _with_policies(_pick)
_LESSON_PAGE_READ = PlainRead(_LESSON_PAGE)
_POLICY_FOR = PlainRead(_with_policies(select(
    _newest_cohort(Cohort.id, bindparam("course_id")).label("cohort_id"),
    _newest_cohort(Cohort.org_id, bindparam("course_id")).label("cohort_org_id"),
    _AGENCY.label("agency_id"),
).offset(0).subquery()))
_WIDTH = len(_pick.c)


def _governing(values: tuple) -> Governing | None:
    if values[0] is None:
        return None
    return Governing(StudyPolicy(**dict(zip(FIELDS, values[2:]))), values[0], values[1])


def _policy_of(columns: tuple) -> Governing:
    width = len(_POLICY_COLUMNS)
    return _governing(columns[:width]) or _governing(columns[width:]) or Governing(DEFAULT)


def governing_for(session: Session, user_id: int, course_id: int) -> Governing:
    """lms.evidence.services.policy_for in one statement (the heartbeat asks on every beat)."""
    (row,) = _POLICY_FOR.rows(session, {"user_id": user_id, "course_id": course_id})
    return _policy_of(row[3:])


def lesson_view(session: Session, *, user_id: int, slug: str, lesson_slug: str,
                rules: learning.StudyRules, cfg: Config) -> LessonView | None:
    """The lesson page of a host enrolled on a course they may see (None when not enrolled or not visible);
    records the opening (see :func:`lms.learning.services.open_lesson_at`). The caller commits when ``recorded``."""
    params = {"user_id": user_id, "slug": slug}  # visible: public, shared, or of one of the host's organisations
    rows = _LESSON_PAGE_READ.rows(session, params)
    if not rows:
        return None
    row = rows[0]
    enrollment_id, course_id, version_id, last_lesson_id, last_active_at, lessons_completed_at, course_slug, \
        title_zh, title_en, awards, required_minutes, certificate_status, consented, content_hash, created_at, \
        figures = row[:16]  # fmt: skip
    outline, current = _outline_and_lesson(session, (version_id, content_hash, created_at, lesson_slug))
    if current is None:
        raise NotFound(_l("This lesson does not exist in your version of the course."))
    lines = outline.lessons
    states, opened = learning.lesson_states(figures, lines)
    recorded = learning.open_lesson_at(
        session, user_id=user_id, enrollment_id=enrollment_id, lesson_id=current.id, last_lesson_id=last_lesson_id,
        last_active_at=last_active_at, opened=current.id in opened)  # fmt: skip
    enrollment = PageEnrolment(id=enrollment_id, user_id=user_id, course_id=course_id, version_id=version_id,
                               last_lesson_id=current.id, lessons_completed_at=lessons_completed_at)  # fmt: skip
    progress = learning.CourseProgress(enrollment=enrollment, lessons=states, opened=opened)  # type: ignore[arg-type]
    standing = _standing(session, progress, rules, cfg, awards=bool(awards), required_minutes=required_minutes,
                         certificate_status=certificate_status, lessons_completed_at=lessons_completed_at)
    policy = _policy_of(tuple(row[_WIDTH:])).policy
    requires = (policy.identity_at_start or policy.identity_random) and cfg.identity_provider != "none"
    index = next(i for i, s in enumerate(states) if s.lesson.id == current.id)
    return LessonView(
        course_slug=course_slug, course_title_zh=title_zh, course_title_en=title_en, lesson=current, progress=progress,
        state=states[index], previous=states[index - 1].lesson if index > 0 else None,
        next=states[index + 1].lesson if index + 1 < len(states) else None, standing=standing, policy=policy,
        consented=bool(consented), identity_unmet=bool(requires) and not consented,
        required_seconds=rules.required_seconds(current),  # type: ignore[arg-type]
        recorded=recorded or not isinstance(standing, PageStanding),  # the full path may have issued the certificate
    )  # fmt: skip


# The version's outline and the lesson, kept in the worker: a version never changes once imported (a new import is a
# new version), so what its id, content hash and creation time name is the same for every host and never stale;
# the creation time tells apart two databases (a restore, a test run) whose versions share an id and files. The
# LessonPage is the one the lesson's parts are keyed by (learning.views._lesson_parts): its HTML is held once.
_KEPT_PAGES: Memo[tuple, tuple[Outline, LessonPage]] = Memo(128)


def _outline_and_lesson(session: Session, key: tuple) -> tuple[Outline, LessonPage | None]:
    kept = _KEPT_PAGES.find(key)
    if kept is not None:
        return kept
    version_id, _content_hash, _created_at, lesson_slug = key
    outline, lesson = outline_and_lesson(session, version_id, lesson_slug)
    if lesson is not None:  # a mistyped address is not kept
        _KEPT_PAGES.keep(key, (outline, lesson))
    return outline, lesson


def _standing(session: Session, progress: learning.CourseProgress, rules: learning.StudyRules, cfg: Config, *,
              awards: bool, required_minutes: int, certificate_status: str | None,
              lessons_completed_at: datetime | None) -> Standing:
    """As lms.certificates.standing.standing works it out, from the figures at hand. Only when the rule may have
    been met since the last check (lessons done, time reached, no certificate yet) does it take the full path,
    which tries to issue."""
    seconds = progress.seconds
    if awards and certificate_status is None and lessons_completed_at is not None and seconds >= required_minutes * 60:
        enrollment = session.scalar(
            select(Enrollment).where(Enrollment.id == progress.enrollment.id)
            .options(joinedload(Enrollment.course), joinedload(Enrollment.version)))  # fmt: skip
        return full_standing(session, enrollment, rules, cfg, progress)  # type: ignore[arg-type]
    minimums = sum(int(state.lesson.estimated_minutes * 60 * rules.completion_ratio) for state in progress.lessons)
    return PageStanding(verified_minutes=seconds // 60, required_minutes=required_minutes,
                        lesson_minimum_minutes=(minimums + 59) // 60, awards_certificate=awards, certificate=None,
                        valid=certificate_status == VALID)  # fmt: skip

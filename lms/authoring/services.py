"""Drafts of an organisation's courses: create, edit, check, publish, export and import. Services flush; views commit.

A course that exists belongs to one organisation (or to the shared catalogue, which is edited as files and synced
by operators). Trainers only ever reach their own organisation's drafts and courses.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.authoring import folder
from lms.authoring.coursezip import ArchiveError, read_course_zip, write_course_zip
from lms.authoring.models import CourseDraft, DraftFile
from lms.catalogue.loader import COURSE_FILE, LoadResult
from lms.catalogue.models import Course, CourseVersion
from lms.catalogue.services import shipped_skills, sync_catalogue
from lms.catalogue.spec import CourseSpec, Problem
from lms.db import utcnow
from lms.errors import Conflict, NotFound, ValidationFailed

# --- finding ---------------------------------------------------------------------------------------------------


def drafts_of(session: Session, org_id: int) -> list[CourseDraft]:
    return list(session.scalars(select(CourseDraft).where(CourseDraft.org_id == org_id).order_by(CourseDraft.slug)))


def courses_of(session: Session, org_id: int) -> list[tuple[Course, CourseVersion]]:
    rows = session.execute(
        select(Course, CourseVersion)
        .join(CourseVersion, Course.current_version_id == CourseVersion.id)
        .where(Course.org_id == org_id)
        .order_by(Course.slug)
    )
    return [(course, version) for course, version in rows]


def get_draft(session: Session, org_id: int, slug: str) -> CourseDraft:
    draft = session.scalar(select(CourseDraft).where(CourseDraft.slug == slug, CourseDraft.org_id == org_id))
    if draft is None:
        raise NotFound(_l("No such draft in this organisation."))
    return draft


def files_of(draft: CourseDraft) -> dict[str, bytes]:
    return {f.path: f.data for f in draft.files}


def version_files(version: CourseVersion | None) -> dict[str, bytes]:
    return {f.path: f.data for f in version.files} if version is not None else {}


def published_version(session: Session, org_id: int, slug: str, number: int) -> CourseVersion:
    version = session.scalar(
        select(CourseVersion).join(Course, CourseVersion.course_id == Course.id)
        .where(Course.slug == slug, Course.org_id == org_id, CourseVersion.number == number)
    )  # fmt: skip
    if version is None:
        raise NotFound(_l("No such course version in this organisation."))
    return version


def base_version(session: Session, draft: CourseDraft) -> CourseVersion | None:
    return session.get(CourseVersion, draft.base_version_id) if draft.base_version_id else None


# --- writing ---------------------------------------------------------------------------------------------------


def save_files(session: Session, draft: CourseDraft, files: dict[str, bytes], user_id: int | None) -> None:
    """Make the draft's rows hold exactly ``files``."""
    current = {f.path: f for f in draft.files}
    for path, row in current.items():
        if path not in files:
            draft.files.remove(row)
    for path, data in files.items():
        row = current.get(path)
        if row is None:
            draft.files.append(DraftFile(path=path, data=data))
        elif row.data != data:
            row.data = data
    draft.updated_at = utcnow()
    draft.updated_by_id = user_id
    session.flush()


def codes_taken(session: Session) -> set[str]:
    """Every course code on the site (published or draft): a suggested code avoids them."""
    return set(session.scalars(select(Course.slug))) | set(session.scalars(select(CourseDraft.slug)))


def _slug_free(session: Session, org_id: int, slug: str) -> Course | None:
    """The org's course with this id (or None); refuse an id used by another organisation or the shared catalogue."""
    course = session.scalar(select(Course).where(Course.slug == slug))
    if course is not None and course.org_id != org_id:
        raise Conflict(_l("A course with this id already exists on the site; choose another id."), "slug")
    other = session.scalar(select(CourseDraft).where(CourseDraft.slug == slug, CourseDraft.org_id != org_id))
    if other is not None:
        raise Conflict(_l("A course with this id already exists on the site; choose another id."), "slug")
    return course


def create_draft(session: Session, org_id: int, user_id: int, *, slug: str, title_zh: str, title_en: str,
                 area: str, skill: str) -> CourseDraft:  # fmt: skip
    slug = slug.strip().lower()
    try:
        files = folder.skeleton(slug, title_zh.strip(), title_en.strip(), area, skill)
    except folder.FolderError as exc:
        raise ValidationFailed(exc.message, exc.field) from None
    if _slug_free(session, org_id, slug) is not None or session.scalar(
        select(CourseDraft.id).where(CourseDraft.slug == slug)
    ):
        raise Conflict(_l("Your organisation already has a course with this id; edit it instead."), "slug")
    draft = _insert_draft(session, CourseDraft(org_id=org_id, slug=slug))
    if draft is None:  # another trainer created it a moment ago
        raise Conflict(_l("Your organisation already has a course with this id; edit it instead."), "slug")
    save_files(session, draft, files, user_id)
    return draft


def _insert_draft(session: Session, draft: CourseDraft) -> CourseDraft | None:
    """Insert a draft, or None when a concurrent request inserted one with the same id first (unique slug)."""
    try:
        with session.begin_nested():
            session.add(draft)
            session.flush()
    except IntegrityError:
        return None
    return draft


def edit_course(session: Session, org_id: int, user_id: int, slug: str) -> CourseDraft:
    """The course's draft, started from its current version's files if there is none yet."""
    existing = session.scalar(select(CourseDraft).where(CourseDraft.slug == slug, CourseDraft.org_id == org_id))
    if existing is not None:
        return existing
    course = session.scalar(select(Course).where(Course.slug == slug, Course.org_id == org_id))
    if course is None:
        raise NotFound(_l("No such course in this organisation."))
    version = session.get(CourseVersion, course.current_version_id) if course.current_version_id else None
    files = version_files(version)
    if not files:
        raise Conflict(_l("This version was imported before course files were kept: sync its folder again first."))
    draft = _insert_draft(session, CourseDraft(org_id=org_id, slug=slug, base_version_id=version.id if version else None))
    if draft is None:  # a colleague opened it for editing at the same moment: share their draft
        return session.scalar(select(CourseDraft).where(CourseDraft.slug == slug, CourseDraft.org_id == org_id))
    save_files(session, draft, files, user_id)
    return draft


def import_zip(session: Session, org_id: int, user_id: int, data: bytes) -> CourseDraft:
    """A zip of a course folder becomes the draft of that course (replacing the draft's files if there is one)."""
    try:
        archive = read_course_zip(data)
    except ArchiveError as exc:
        raise ValidationFailed(exc.full_message, "archive") from None
    if COURSE_FILE not in archive.files:
        raise ValidationFailed(_l("The archive has no course.yaml: zip the course folder itself."), "archive")
    slug = str(folder.course_data(archive.files).get("id") or archive.folder or "").strip()
    if not folder.SLUG.match(slug):
        raise ValidationFailed(_l("course.yaml has no valid id (lowercase letters, digits and '-')."), "archive")
    course = _slug_free(session, org_id, slug)
    draft = session.scalar(select(CourseDraft).where(CourseDraft.slug == slug, CourseDraft.org_id == org_id))
    if draft is None:
        draft = _insert_draft(session, CourseDraft(org_id=org_id, slug=slug,
                                                   base_version_id=course.current_version_id if course else None))
    if draft is None:
        raise Conflict(_l("Someone else is importing this course right now; try again in a moment."), "archive")
    save_files(session, draft, archive.files, user_id)
    return draft


def discard(session: Session, draft: CourseDraft) -> None:
    session.delete(draft)
    session.flush()


# --- checking and publishing -------------------------------------------------------------------------------------


def _known_courses(session: Session, org_id: int) -> set[str]:
    return set(session.scalars(select(Course.slug).where(or_(Course.org_id.is_(None), Course.org_id == org_id))))


def check(session: Session, draft: CourseDraft) -> tuple[CourseSpec | None, list[Problem]]:
    return folder.check(draft.slug, files_of(draft), shipped_skills(), _known_courses(session, draft.org_id))


@dataclass
class Published:
    number: int
    unchanged: bool


def publish(session: Session, draft: CourseDraft) -> Published:
    """Import the draft as the course's next version, through the same importer as ``lms courses sync``."""
    spec, _problems = check(session, draft)
    if spec is None:
        raise ValidationFailed(_l("The course has problems; fix them before publishing."))
    _slug_free(session, draft.org_id, draft.slug)
    report = sync_catalogue(session, LoadResult(courses=[spec]), org_id=draft.org_id)
    course = session.scalar(select(Course).where(Course.slug == draft.slug))
    version = session.get(CourseVersion, course.current_version_id)
    draft.base_version_id = version.id
    session.flush()
    return Published(number=version.number, unchanged=bool(report.unchanged))


def set_shared(session: Session, org_id: int, slug: str, shared: bool) -> Course:
    """A site admin's decision: the organisation's published course in the shared catalogue, or back to private."""
    course = session.scalar(select(Course).where(Course.slug == slug, Course.org_id == org_id))
    if course is None or course.current_version_id is None:
        raise NotFound(_l("No such course in this organisation."))
    course.shared = shared
    session.flush()
    return course


def draft_zip(draft: CourseDraft) -> bytes:
    return write_course_zip(draft.slug, files_of(draft))


def version_zip(session: Session, org_id: int, slug: str, number: int) -> bytes:
    version = published_version(session, org_id, slug, number)
    files = version_files(version)
    if not files:
        raise Conflict(_l("This version was imported before course files were kept: sync its folder again first."))
    return write_course_zip(slug, files)

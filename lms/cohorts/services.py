"""Cohorts: create, fill with the organisation's hosts, assign courses (which enrols the members), and watch
progress. Every query is scoped to the organisation that owns the cohort."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import certnumbers
from lms.bounds import is_clean_text
from lms.accounts.models import User
from lms.catalogue.services import get_visible_course
from lms.cohorts import export
from lms.cohorts.models import Cohort, CohortCourse, CohortMember, CohortSubmission
from lms.cohorts.progress import Cell, course_cell
from lms.cohorts.timeline import hours
from lms.db import utcnow
from lms.errors import Conflict, NotFound, ValidationFailed
from lms.learning import services as learning
from lms.learning.studytime import china_day
from lms.orgs.models import Membership, Organisation, OrgKind, Role


def cohorts_of(session: Session, org_id: int) -> list[Cohort]:
    return list(session.scalars(select(Cohort).where(Cohort.org_id == org_id).order_by(Cohort.starts_on.desc())))


def get_cohort(session: Session, org_id: int, cohort_id: int) -> Cohort:
    cohort = session.get(Cohort, cohort_id)
    if cohort is None or cohort.org_id != org_id:
        raise NotFound(_l("No such cohort in this organisation."))
    return cohort


def create_cohort(session: Session, org_id: int, *, name: str, starts_on: date | None, ends_on: date | None) -> Cohort:
    name = " ".join(name.split())
    if not is_clean_text(name):
        raise ValidationFailed(_l("This field contains characters that are not valid text."), "name")
    if not 2 <= len(name) <= 120:
        raise ValidationFailed(_l("Give the cohort a name (2 to 120 characters)."), "name")
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise ValidationFailed(_l("The cohort needs a start date and an end date on or after it."), "ends_on")
    cohort = Cohort(org_id=org_id, name=name, starts_on=starts_on, ends_on=ends_on)
    session.add(cohort)
    session.flush()
    return cohort


def org_hosts(session: Session, org_id: int) -> list[User]:
    return list(session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org_id, Membership.role == Role.LEARNER).order_by(User.display_name)
    ))  # fmt: skip


def add_members(session: Session, cohort: Cohort, user_ids: list[int]) -> int:
    """Add hosts of the cohort's organisation (anyone else is refused) and enrol them on its courses."""
    allowed = {u.id for u in org_hosts(session, cohort.org_id)}
    if any(uid not in allowed for uid in user_ids):
        raise NotFound(_l("Only hosts of this organisation can join its cohorts."))
    present = {m.user_id for m in cohort.members}
    added = 0
    for uid in user_ids:
        if uid in present:
            continue
        cohort.members.append(CohortMember(user_id=uid))
        present.add(uid)
        for assigned in cohort.courses:
            learning.enroll(session, uid, assigned.course)
        added += 1
    session.flush()
    return added


def assign_course(session: Session, cohort: Cohort, org_ids: list[int], slug: str, deadline: date | None) -> CohortCourse:
    try:
        course, _version = get_visible_course(session, slug, org_ids)
    except NotFound:
        raise ValidationFailed(_l("Choose a course of the catalogue."), "course") from None
    if deadline is None:
        raise ValidationFailed(_l("Give the deadline for the course."), "deadline")
    if any(a.course_id == course.id for a in cohort.courses):
        raise Conflict(_l("This course is already assigned to the cohort."), "course")
    assigned = CohortCourse(course_id=course.id, deadline=deadline, course=course)
    cohort.courses.append(assigned)
    for member in cohort.members:
        learning.enroll(session, member.user_id, course)
    session.flush()
    return assigned


@dataclass
class Dashboard:
    cohort: Cohort
    hosts: list[User]
    courses: list[CohortCourse]
    cells: dict[tuple[int, int], Cell]

    def count(self, state: str) -> int:
        return sum(1 for cell in self.cells.values() if cell.state == state)

    @property
    def hours(self) -> float:
        return hours(sum(cell.seconds for cell in self.cells.values()))


def dashboard(session: Session, cohort: Cohort, today: date | None = None) -> Dashboard:
    """Per host and assigned course: state, lessons, verified time, quiz scores and certificate."""
    today = today or china_day(utcnow())
    hosts = list(session.scalars(
        select(User).join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id).order_by(User.display_name)
    ))  # fmt: skip
    cells = {
        (host.id, assigned.course_id): course_cell(session, host.id, assigned.course_id, assigned.deadline, today)
        for host in hosts
        for assigned in cohort.courses
    }
    return Dashboard(cohort, hosts, list(cohort.courses), cells)


@dataclass
class ExportRows:
    progress: list[dict]
    hours: list[dict]
    certificates: list[dict]


def export_rows(session: Session, board: Dashboard, locale: str, *, with_hours: bool = True) -> ExportRows:
    """The rows of the cohort's CSV and XLSX exports, one kind of value per column; ID numbers only masked."""
    titles = {a.course_id: _course_title(a.course, locale) for a in board.courses}
    progress, certificates = [], []
    for host in board.hosts:
        real = host.real_name
        for assigned in board.courses:
            cell = board.cells[(host.id, assigned.course_id)]
            certificate = cell.certificate
            progress.append({
                "host": host.display_name, "login": host.login_name, "legal_name": real.legal_name if real else None,
                "id_masked": real.id_number_masked if real else None, "course": assigned.course.slug,
                "course_title": titles[assigned.course_id], "deadline": assigned.deadline, "state": cell.state,
                "lessons_done": cell.lessons_done, "lessons_total": cell.lessons_total, "minutes": cell.minutes,
                "hours": cell.hours, "quiz_score": cell.quiz_score, "best_quiz_score": cell.best_score,
                "certificate": certnumbers.format(certificate.number) if certificate else None,
                "certificate_status": certificate.status if certificate else None,
            })  # fmt: skip
            if certificate is not None:
                certificates.append({
                    "host": host.display_name, "id_masked": certificate.holder_id_masked,
                    "certificate": certnumbers.format(certificate.number), "course": certificate.course_slug,
                    "course_title": certificate.course_title_en if locale == "en" else certificate.course_title_zh,
                    "issued_on": china_day(certificate.issued_at), "status": certificate.status,
                })  # fmt: skip
    return ExportRows(progress, _hours_rows(session, board, titles) if with_hours else [], certificates)


def _hours_rows(session: Session, board: Dashboard, titles: dict[int, str]) -> list[dict]:
    """Minutes per host, China day and course of the cohort, newest day first."""
    courses = {a.course.slug: a.course_id for a in board.courses}
    rows = []
    for host in board.hosts:
        seconds: dict[tuple[date, str], int] = {}
        for r in learning.study_rows(session, host.id):
            if r.course_slug in courses:
                seconds[(r.day, r.course_slug)] = seconds.get((r.day, r.course_slug), 0) + r.seconds
        for (day, slug), total in sorted(seconds.items(), key=lambda item: (-item[0][0].toordinal(), item[0][1])):
            rows.append({"host": host.display_name, "login": host.login_name, "day": day, "course": slug,
                         "course_title": titles[courses[slug]], "minutes": round(total / 60, 1)})  # fmt: skip
    return rows


def _course_title(course, locale: str) -> str:
    return course.current_version.title(locale) if course.current_version else course.slug


def dashboard_csv(session: Session, board: Dashboard, locale: str) -> bytes:
    """The progress rows of the exports as CSV: the same columns and values as the workbook's first sheet."""
    return export.progress_csv(export_rows(session, board, locale, with_hours=False).progress)


def bureaus(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(Organisation.kind == OrgKind.BUREAU).order_by(Organisation.name)))


def submissions_of(session: Session, cohort: Cohort) -> list[CohortSubmission]:
    return list(session.scalars(select(CohortSubmission).where(CohortSubmission.cohort_id == cohort.id)))


def submit(session: Session, cohort, bureau_slug: str, user_id: int) -> CohortSubmission:
    bureau = session.scalar(select(Organisation).where(Organisation.slug == bureau_slug))
    if bureau is None or bureau.kind != OrgKind.BUREAU:
        raise NotFound(_l("Choose a labor bureau."))
    existing = session.scalar(select(CohortSubmission).where(
        CohortSubmission.cohort_id == cohort.id, CohortSubmission.bureau_org_id == bureau.id))  # fmt: skip
    if existing is not None:
        raise Conflict(_l("This cohort was already submitted to that bureau."))
    submission = CohortSubmission(cohort_id=cohort.id, bureau_org_id=bureau.id, submitted_by_id=user_id)
    session.add(submission)
    session.flush()
    return submission

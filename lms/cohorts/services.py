"""Cohorts: create, fill with the organisation's hosts, assign courses (which enrols the members), and watch
progress. Every query is scoped to the organisation that owns the cohort."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.catalogue.services import get_visible_course
from lms.certificates import numbers
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_for, completion
from lms.cohorts.models import Cohort, CohortCourse, CohortMember, CohortSubmission
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
class Cell:
    state: str  # not_started | in_progress | completed | overdue
    hours: float
    quiz_score: float | None
    certificate: Certificate | None


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
        return round(sum(cell.hours for cell in self.cells.values()), 1)


def dashboard(session: Session, cohort: Cohort, today: date | None = None) -> Dashboard:
    """Per host and assigned course: state, verified hours, counted quiz score and certificate."""
    today = today or china_day(utcnow())
    hosts = list(session.scalars(
        select(User).join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id).order_by(User.display_name)
    ))  # fmt: skip
    cells: dict[tuple[int, int], Cell] = {}
    for host in hosts:
        for assigned in cohort.courses:
            enrollment = learning.enrollment_for(session, host.id, assigned.course_id)
            if enrollment is None:
                cells[(host.id, assigned.course_id)] = Cell("not_started", 0.0, None, None)
                continue
            status = completion(session, enrollment)
            certificate = certificate_for(session, enrollment.id)
            started = status.study_seconds > 0 or enrollment.last_lesson_id is not None
            if certificate is not None or status.met:
                state = "completed"
            elif today > assigned.deadline:
                state = "overdue"
            else:
                state = "in_progress" if started else "not_started"
            cells[(host.id, assigned.course_id)] = Cell(
                state, round(status.study_seconds / 3600, 1), status.score, certificate
            )
    return Dashboard(cohort, hosts, list(cohort.courses), cells)


def dashboard_csv(board: Dashboard) -> bytes:
    """Progress, hours and certificates per host and course; identity numbers only masked."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["host", "legal_name", "id_masked", "course", "deadline", "state", "hours", "quiz_score",
                     "certificate", "certificate_status"])  # fmt: skip
    for host in board.hosts:
        for assigned in board.courses:
            cell = board.cells[(host.id, assigned.course_id)]
            real = host.real_name
            writer.writerow([
                host.display_name, real.legal_name if real else "", real.id_number_masked if real else "",
                assigned.course.slug, assigned.deadline.isoformat(), cell.state, cell.hours,
                "" if cell.quiz_score is None else cell.quiz_score,
                numbers.format(cell.certificate.number) if cell.certificate else "",
                cell.certificate.status if cell.certificate else "",
            ])  # fmt: skip
    return out.getvalue().encode("utf-8")


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

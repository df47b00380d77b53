"""The subsidy audit: a bureau reviews a cohort an MCN submitted to it, host by host, and exports the roster
(培训花名册). Only hosts whose consent to share real-name data with a subsidy programme's bureau is current are
shown in detail; the roster is the one place a full 身份证号 leaves the site, and every export is audit-logged."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import certnumbers, spreadsheets
from lms.accounts.models import User
from lms.accounts import identity
from lms.accounts.realname import current_consent, decrypt_id_number
from lms.bureau.wording import status_label
from lms.catalogue.models import CourseVersion, Lesson
from lms.cohorts.models import CohortSubmission
from lms.cohorts.services import Dashboard, dashboard
from lms.db import utcnow
from lms.errors import NotFound
from lms.evidence import process
from lms.evidence import record as records
from lms.evidence import services as evidence
from lms.evidence.models import ProcessRecord
from lms.learning.models import StudyTime
from lms.security.pii import PIICipher


def submissions_to(session: Session, bureau_org_id: int) -> list[CohortSubmission]:
    return list(session.scalars(
        select(CohortSubmission).where(CohortSubmission.bureau_org_id == bureau_org_id)
        .order_by(CohortSubmission.submitted_at.desc())
    ))  # fmt: skip


def submission_for(session: Session, bureau_org_id: int, submission_id: int) -> CohortSubmission:
    submission = session.get(CohortSubmission, submission_id)
    if submission is None or submission.bureau_org_id != bureau_org_id:
        raise NotFound(_l("No such submitted cohort for this bureau."))
    return submission


@dataclass
class HostAudit:
    host: User
    consented: bool
    daily: dict[int, list[tuple[date, int]]] = field(default_factory=dict)  # course id → [(day, seconds)]


def audit_view(session: Session, submission: CohortSubmission) -> tuple[Dashboard, list[HostAudit]]:
    board = dashboard(session, submission.cohort)
    hosts = []
    for host in board.hosts:
        # A number under identity review is withheld like one never consented to (lms.accounts.identity).
        consented = identity.is_settled(session, host) and current_consent(session, host) is not None
        entry = HostAudit(host, consented)
        if consented:
            for assigned in board.courses:
                rows = session.execute(
                    select(StudyTime.day, func.sum(StudyTime.seconds))
                    .join(Lesson, StudyTime.lesson_id == Lesson.id)
                    .join(CourseVersion, Lesson.version_id == CourseVersion.id)
                    .where(StudyTime.user_id == host.id, CourseVersion.course_id == assigned.course_id)
                    .group_by(StudyTime.day).order_by(StudyTime.day)
                )  # fmt: skip
                entry.daily[assigned.course_id] = [(day, int(seconds)) for day, seconds in rows]
        hosts.append(entry)
    return board, hosts


ROSTER_COLUMNS = (_l("No."), _l("Full name"), _l("ID number"), _l("Course"), _l("Training starts"),
                  _l("Training ends"), _l("Class hours"), _l("Assessment score"), _l("Certificate number"),
                  _l("Certificate status"))  # fmt: skip


def roster_rows(session: Session, cipher: PIICipher, submission: CohortSubmission) -> list[list]:
    """培训花名册: one row per consenting host and assigned course, with the full 身份证号."""
    board, hosts = audit_view(session, submission)
    rows, n = [], 0
    for entry in hosts:
        if not entry.consented:
            continue
        id_number = decrypt_id_number(cipher, entry.host)
        for assigned in board.courses:
            cell = board.cells[(entry.host.id, assigned.course_id)]
            n += 1
            certificate = cell.certificate
            rows.append([
                n, entry.host.real_name.legal_name, id_number,
                assigned.course.current_version.title_zh if assigned.course.current_version else assigned.course.slug,
                board.cohort.starts_on, board.cohort.ends_on, cell.hours, cell.quiz_score,
                certnumbers.format(certificate.number) if certificate else "", status_label(certificate.status if certificate else None),
            ])  # fmt: skip
    return rows


def roster_csv(rows: list[list]) -> bytes:
    """The roster in the language of the page that asked for it (headers and certificate status)."""
    return spreadsheets.csv_bytes([str(c) for c in ROSTER_COLUMNS], rows)


def roster_xlsx(rows: list[list]) -> bytes:
    """The same rows as one sheet; the 身份证号 is text (Excel would round an 18-digit number)."""
    return spreadsheets.xlsx_bytes([spreadsheets.Sheet(str(_l("Training roster")), [str(c) for c in ROSTER_COLUMNS], rows)])


@dataclass
class ProcessView:
    """One consenting host's process record (培训过程记录) on one assigned course, with its seal check."""

    host: User
    course_id: int
    record: dict
    #: The check of the sealed record (None: no certificate yet, so the record is built from the live evidence).
    check: process.Check | None
    sealed: ProcessRecord | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for c in self.record["presence_checks"] if c["outcome"] == outcome)

    @property
    def reviewed(self) -> tuple[dict, ...]:
        """Sessions marked "not the host" after the record was sealed."""
        return self.check.reviewed if self.check is not None else ()

    @property
    def flags(self) -> list[str]:
        return sorted({flag for s in (*self.record["sessions"], *self.reviewed) for flag in s["flags"]})


def process_views(session: Session, board: Dashboard, hosts: list[HostAudit]) -> list[ProcessView]:
    """The process records of the consenting hosts: the sealed one where a certificate was issued, else live."""
    views = []
    for entry in hosts:
        if not entry.consented:
            continue
        for assigned in board.courses:
            certificate = board.cells[(entry.host.id, assigned.course_id)].certificate
            sealed = process.sealed_record(session, certificate.id) if certificate else None
            if sealed is not None:
                views.append(ProcessView(entry.host, assigned.course_id, json.loads(sealed.body),
                                         process.verify(session, certificate), sealed))
                continue
            version = assigned.course.current_version
            if version is None:
                continue
            policy = evidence.policy_for(session, entry.host.id, assigned.course_id).snapshot()
            views.append(ProcessView(entry.host, assigned.course_id,
                                     process.build(session, entry.host.id, version, policy, utcnow()), None))
    return views


def process_rows(views: list[ProcessView]) -> list[list]:
    return [row for view in views for row in records.table_rows(view.record) + records.review_rows(view.record, view.reviewed)]


def process_csv(rows: list[list]) -> bytes:
    return spreadsheets.csv_bytes(records.COLUMNS, rows)


def process_xlsx(rows: list[list]) -> bytes:
    return spreadsheets.xlsx_bytes([spreadsheets.Sheet("培训过程记录", records.COLUMNS, rows)])

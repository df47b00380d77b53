"""Which study policy governs a host's course, and saving an organisation's or a cohort's policy.

Services flush; the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.db import utcnow
from lms.evidence.models import StudyPolicyRecord
from lms.evidence.policy import DEFAULT, StudyPolicy, snapshot
from lms.orgs.models import Membership, OrgKind, Organisation, Role

FIELDS = tuple(StudyPolicy.__dataclass_fields__)


@dataclass(frozen=True)
class Governing:
    """A policy with where it came from: ``scope`` is ``default``, ``org:<id>`` or ``cohort:<id>``."""

    policy: StudyPolicy
    scope: str = "default"
    version: int = 0

    def snapshot(self) -> dict:
        return snapshot(self.policy, self.scope, self.version)


def _governing(record: StudyPolicyRecord) -> Governing:
    return Governing(StudyPolicy(**{name: getattr(record, name) for name in FIELDS}), record.scope, record.version)


def org_scope(org_id: int) -> str:
    return f"org:{org_id}"


def cohort_scope(cohort_id: int) -> str:
    return f"cohort:{cohort_id}"


def record_of(session: Session, scope: str) -> StudyPolicyRecord | None:
    return session.scalar(select(StudyPolicyRecord).where(StudyPolicyRecord.scope == scope))


def org_policy(session: Session, org_id: int) -> Governing:
    """The organisation's defaults (the built-in defaults until it saves its own)."""
    record = record_of(session, org_scope(org_id))
    return _governing(record) if record else Governing(DEFAULT)


def cohort_policy(session: Session, cohort: Cohort) -> Governing:
    """The cohort's override, else its organisation's defaults."""
    record = record_of(session, cohort_scope(cohort.id))
    return _governing(record) if record else org_policy(session, cohort.org_id)


def policy_for(session: Session, user_id: int, course_id: int) -> Governing:
    """The policy a host studies a course under: the newest cohort that holds both, else the host's agency."""
    cohort = session.scalar(
        select(Cohort)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .join(CohortCourse, CohortCourse.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id, CohortCourse.course_id == course_id)
        .order_by(Cohort.id.desc())
        .limit(1)
    )
    if cohort is not None:
        return cohort_policy(session, cohort)
    org_id = session.scalar(
        select(Membership.org_id).join(Organisation, Membership.org_id == Organisation.id)
        .where(Membership.user_id == user_id, Membership.role == Role.LEARNER, Organisation.kind == OrgKind.MCN)
        .order_by(Membership.id).limit(1)
    )  # fmt: skip
    return org_policy(session, org_id) if org_id is not None else Governing(DEFAULT)


def save_policy(
    session: Session, *, org_id: int, cohort_id: int | None, policy: StudyPolicy, by_user_id: int | None
) -> StudyPolicyRecord:
    """Save an organisation's defaults or a cohort's override; each save that changes a value is a new version."""
    problems = policy.problems()
    if problems:
        raise ValueError("; ".join(problems.values()))  # the form keeps values in bounds; this guards other callers
    scope = cohort_scope(cohort_id) if cohort_id is not None else org_scope(org_id)
    record = record_of(session, scope)
    values = policy.as_dict()
    if record is None:
        record = StudyPolicyRecord(scope=scope, org_id=org_id, cohort_id=cohort_id, version=1, **values)
        session.add(record)
    elif any(getattr(record, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(record, name, value)
        record.version += 1
    else:
        return record
    record.updated_at = utcnow()
    record.updated_by_id = by_user_id
    session.flush()
    return record


def remove_override(session: Session, cohort_id: int) -> None:
    """The cohort follows its organisation's defaults again."""
    record = record_of(session, cohort_scope(cohort_id))
    if record is not None:
        session.delete(record)
        session.flush()


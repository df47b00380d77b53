"""The study policy a bureau requires for a cohort submitted to it, and each host's record judged against it.

The bureau's officer either requires a policy (class-hour length, daily maximum, presence checks, identity checks,
retention) or takes the cohort as the organisation chose: each host's record is then judged against the policy the
host studied under. The requirement is stored as a study policy under the scope ``required:<submission id>``.
Services flush; the caller commits once.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.bureau.audit_subsidy import ProcessView
from lms.cohorts.models import CohortSubmission
from lms.evidence import services as evidence
from lms.evidence.policy import StudyPolicy
from lms.evidence.requirement import Judgement, judge
from lms.orgs.models import Organisation


def scope_of(submission: CohortSubmission) -> str:
    return f"required:{submission.id}"


def requirement(session: Session, submission: CohortSubmission) -> evidence.Governing | None:
    """The policy the bureau requires, or None: as the organisation chose."""
    record = evidence.record_of(session, scope_of(submission))
    return evidence.governing_of(record) if record is not None else None


def require(session: Session, submission: CohortSubmission, policy: StudyPolicy, by_user_id: int) -> int:
    """Require this policy for the cohort; returns the requirement's version."""
    record = evidence.save_policy(session, org_id=submission.bureau_org_id, cohort_id=submission.cohort_id,
                                  policy=policy, by_user_id=by_user_id, scope=scope_of(submission))  # fmt: skip
    return record.version


def as_organisation_chose(session: Session, submission: CohortSubmission) -> bool:
    """Drop the requirement; whether there was one."""
    return evidence.remove_scope(session, scope_of(submission))


def judge_for(session: Session, submission: CohortSubmission) -> Callable[[ProcessView], Judgement]:
    """A judge of each host's record: against the required policy, or the one the host studied under."""
    required = requirement(session, submission)

    def judged(view: ProcessView) -> Judgement:
        policy = required.policy if required is not None else StudyPolicy.from_dict(view.record.get("policy"))
        return judge(view.record, policy)

    return judged


def requirements_of_cohort(session: Session, cohort_id: int) -> list[tuple[str, evidence.Governing | None]]:
    """For the organisation's admin: each bureau the cohort was submitted to, and what it requires."""
    rows = session.execute(
        select(CohortSubmission, Organisation.name).join(Organisation, CohortSubmission.bureau_org_id == Organisation.id)
        .where(CohortSubmission.cohort_id == cohort_id).order_by(CohortSubmission.submitted_at)
    ).all()  # fmt: skip
    return [(name, requirement(session, submission)) for submission, name in rows]

"""A cohort's process-record PDF as a background job: rendering takes ~54 ms a host, so a large cohort would pass the
web server's timeout. The request queues a job (a few hosts are still rendered at once); a worker renders the PDF
and keeps it encrypted with the PII key in the job row (the bureau's copy holds full ID numbers) for ``KEEP`` after
it is done, when the periodic sweep drops it. Two copies: the reviewing bureau's (full ID numbers of consenting
hosts, judged against the policy it requires) and the organisation admin's (masked ID numbers)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lms.accounts.realname import decrypt_id_number
from lms.bureau import audit_subsidy, process_files, required_policy
from lms.bureau.audit_subsidy import ProcessView
from lms.cohorts import services as cohorts
from lms.db import utcnow
from lms.errors import NotFound
from lms.jobs.models import DONE, QUEUED, RUNNING, Job
from lms.jobs.queue import enqueue
from lms.jobs.runner import JobContext, JobFailed, handler, periodic
from lms.security.pii import PIICipher

BUREAU_KIND = "process.bureau_pdf"
ORG_KIND = "process.org_pdf"
#: A cohort of at most this many hosts is rendered in the request (about a second), a larger one by a job.
DIRECT_HOSTS = 20
#: How long a finished PDF is kept for its download.
KEEP = timedelta(hours=1)
MAX_ATTEMPTS = 3


# --- the two copies -----------------------------------------------------------------------------------------------


def bureau_views(session: Session, bureau_org_id: int, submission_id: int):
    """The submission and the records of its consenting hosts (NotFound if it is not this bureau's)."""
    submission = audit_subsidy.submission_for(session, bureau_org_id, submission_id)
    board, hosts = audit_subsidy.audit_view(session, submission)
    return submission, board, audit_subsidy.process_views(session, board, hosts)


def bureau_pdf(session: Session, cipher: PIICipher, submission, board, views: Sequence[ProcessView]) -> bytes:
    from lms.certificates.textlayout import find_cjk_font_file  # ReportLab and Pillow: loaded on first use

    return process_files.process_pdf(session, views, title=f"培训过程记录 · {board.cohort.name}",
                                     id_number=lambda host: decrypt_id_number(cipher, host),
                                     judge=required_policy.judge_for(session, submission),
                                     cjk_font_path=find_cjk_font_file())  # fmt: skip


def org_views(session: Session, org_id: int, cohort_id: int):
    cohort = cohorts.get_cohort(session, org_id, cohort_id)
    return cohort, process_files.cohort_views(session, cohort)


def org_pdf(session: Session, cohort, views: Sequence[ProcessView]) -> bytes:
    from lms.certificates.textlayout import find_cjk_font_file  # ReportLab and Pillow: loaded on first use

    return process_files.process_pdf(session, views, title=f"培训过程记录 · {cohort.name}", cjk_font_path=find_cjk_font_file(),
                                     id_number=lambda host: host.real_name.id_number_masked if host.real_name else "")  # fmt: skip


# --- the job ------------------------------------------------------------------------------------------------------


def _context(job: Job) -> str:
    return f"process_pdf:job:{job.id}:org:{job.org_id}"


def queue_pdf(session: Session, kind: str, *, org_id: int, user_id: int, label: str, args: dict) -> Job:
    """The job, in the caller's transaction; the same person asking again while it waits or runs gets that job."""
    waiting = select(Job).where(Job.kind == kind, Job.org_id == org_id, Job.user_id == user_id,
                                Job.state.in_((QUEUED, RUNNING)))  # fmt: skip
    for job in session.scalars(waiting):
        if {k: v for k, v in job.args.items() if k != "locale"} == {k: v for k, v in args.items() if k != "locale"}:
            return job
    return enqueue(session, kind, org_id=org_id, user_id=user_id, label=label, args=args, max_attempts=MAX_ATTEMPTS)


def _seal(ctx: JobContext, body: bytes) -> str:
    cipher: PIICipher = ctx.app.extensions["lms.pii"]
    ctx.output = cipher.encrypt(base64.b64encode(body).decode("ascii"), context=_context(ctx.job))
    return f"process_pdf:{ctx.job.id}"


@handler(BUREAU_KIND)
def render_bureau_copy(ctx: JobContext) -> str:
    try:
        submission, board, views = bureau_views(ctx.session, ctx.job.org_id, ctx.job.args["submission"])
    except NotFound as exc:
        raise JobFailed("gone") from exc
    ctx.progress(0, len(views))
    return _seal(ctx, bureau_pdf(ctx.session, ctx.app.extensions["lms.pii"], submission, board, views))


@handler(ORG_KIND)
def render_org_copy(ctx: JobContext) -> str:
    try:
        cohort, views = org_views(ctx.session, ctx.job.org_id, ctx.job.args["cohort"])
    except NotFound as exc:
        raise JobFailed("gone") from exc
    ctx.progress(0, len(views))
    return _seal(ctx, org_pdf(ctx.session, cohort, views))


def ready(job: Job) -> bool:
    """Whether the finished PDF is still kept."""
    if job.state != DONE or job.payload is None or job.finished_at is None:
        return False
    return utcnow() - job.finished_at < KEEP


def stored_pdf(cipher: PIICipher, job: Job) -> bytes:
    if not ready(job):
        raise NotFound("the PDF is not kept")
    return base64.b64decode(cipher.decrypt(job.payload, context=_context(job)))


def drop_expired(session: Session) -> int:
    """Forget finished PDFs older than KEEP; how many."""
    return session.execute(
        update(Job).where(Job.kind.in_((BUREAU_KIND, ORG_KIND)), Job.state == DONE, Job.payload.is_not(None),
                          Job.finished_at < utcnow() - KEEP).values(payload=None)
    ).rowcount  # fmt: skip


@periodic("lms.process_pdf.drop_expired", minute="*/10")
def drop_expired_periodically(app: Flask) -> None:
    with app.app_context():
        from lms.db import get_session

        session = get_session()
        drop_expired(session)
        session.commit()

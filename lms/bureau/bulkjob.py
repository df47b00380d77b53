"""A large bulk check as a background job: the upload is kept encrypted (it may hold ID numbers) in the job row
committed with the request, checked by a worker that reports rows done after every batch, and dropped when the
job ends. The stored check and its audit entry are written in the transaction that marks the job done."""

from __future__ import annotations

import base64

from sqlalchemy.orm import Session

from lms.bureau import services
from lms.bureau.bulkfile import BulkFileError, read_rows
from lms.jobs.models import Job
from lms.jobs.queue import enqueue
from lms.jobs.runner import JobContext, JobFailed, handler
from lms.security.pii import PIICipher

KIND = "bureau.bulk_check"
#: A check that fails this often (the database away every time) is given up, with a message to its owner.
MAX_ATTEMPTS = 4


def _context(org_id: int, user_id: int | None) -> str:
    return f"bulk_check:org:{org_id}:user:{user_id}"


def queue_check(session: Session, cipher: PIICipher, *, org_id: int, user_id: int, filename: str, data: bytes,
                locale: str) -> Job:  # fmt: skip
    """The job, in the caller's transaction; it reaches a worker when that commits."""
    sealed = cipher.encrypt(base64.b64encode(data).decode("ascii"), context=_context(org_id, user_id))
    job = enqueue(session, KIND, org_id=org_id, user_id=user_id, label=filename, args={"locale": locale},
                  payload=sealed, max_attempts=MAX_ATTEMPTS)  # fmt: skip
    services.audit(session, org_id=org_id, user_id=user_id, action="bulk_check_queued",
                   detail={"file": filename, "job": job.id, "bytes": len(data)})  # fmt: skip
    return job


@handler(KIND)
def run_check(ctx: JobContext) -> str:
    job, session = ctx.job, ctx.session
    cipher: PIICipher = ctx.app.extensions["lms.pii"]
    data = base64.b64decode(cipher.decrypt(job.payload, context=_context(job.org_id, job.user_id)))
    try:
        parsed = read_rows(data, job.label)
    except BulkFileError as exc:
        services.audit(session, org_id=job.org_id, user_id=job.user_id, action="bulk_check_rejected",
                       detail={"file": job.label, "code": exc.code, "job": job.id})  # fmt: skip
        raise JobFailed(exc.code, exc.message) from exc
    rows = list(parsed.rows)
    ctx.progress(0, len(rows))
    results = services.check_rows(session, cipher, rows, org_id=job.org_id,
                                  id_tries_per_day=ctx.app.config["LMS"].bureau_id_tries_per_day,
                                  progress=lambda done: ctx.progress(done, len(rows)))
    check = services.record_and_audit(session, org_id=job.org_id, user_id=job.user_id, filename=job.label,
                                      results=results)  # fmt: skip
    return f"bulk_check:{check.id}"


def check_id_of(job: Job) -> int | None:
    if job.result_ref and job.result_ref.startswith("bulk_check:"):
        return int(job.result_ref.split(":", 1)[1])
    return None

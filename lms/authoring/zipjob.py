"""A large course zip imported by a background job: the archive is the job's input; the job does what the request
does for a small one (checks paths, sizes and files, then fills the course's draft) and names the draft it filled."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lms.authoring import services
from lms.errors import DomainError
from lms.i18n import error_text
from lms.jobs.models import Job
from lms.jobs.queue import enqueue
from lms.jobs.runner import JobContext, JobFailed, handler

KIND = "authoring.import_zip"


def queue_import(session: Session, *, org_id: int, user_id: int, data: bytes, filename: str, locale: str) -> Job:
    return enqueue(session, KIND, org_id=org_id, user_id=user_id, label=filename or "course.zip",
                   args={"locale": locale}, payload=data, max_attempts=3)  # fmt: skip


@handler(KIND)
def run_import(ctx: JobContext) -> str:
    job = ctx.job
    try:
        draft = services.import_zip(ctx.session, job.org_id, job.user_id, job.payload)
    except DomainError as exc:  # the archive itself is wrong: trying again cannot help
        raise JobFailed("refused", error_text(exc.message)) from exc
    return f"course_draft:{draft.slug}"


def draft_slug_of(job: Job) -> str | None:
    if job.result_ref and job.result_ref.startswith("course_draft:"):
        return job.result_ref.split(":", 1)[1]
    return None

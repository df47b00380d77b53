"""A large host import confirmed by its org admin runs as a background job: the sealed payload of the preview
(encrypted and signed already) is the job's input; the job creates every host or none, exactly as the request
does for a small file, and keeps the set-password links of phone-only hosts (encrypted) for the admin who
confirmed it, to hand over from the job's page."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from lms.cohorts import services as cohorts
from lms.errors import DomainError
from lms.jobs.models import Job
from lms.jobs.queue import enqueue
from lms.jobs.runner import JobContext, JobFailed, handler
from lms.orgs import hostimport
from lms.orgs.hostfile import HostRow, RowProblem
from lms.orgs.models import Organisation
from lms.security.pii import PIICipher

KIND = "orgs.host_import"
#: The job may run after the preview's time limit (a queue of imports, a retry): it was checked at the confirm.
PAYLOAD_AGE = timedelta(days=1)


def link_for(token: str) -> str:
    """A set-password link: in a request or a job alike."""
    path = current_app.url_map.bind("localhost").build("accounts.reset_password", {"token": token})
    return current_app.config["LMS"].base_url.rstrip("/") + path


def set_password_mail(org: Organisation, link: str, days: int) -> str:
    return _(
        "%(org)s has created an account for you on the learning platform.\n\n"
        "Open this link to choose your password (valid for %(days)d days, usable once):\n%(link)s\n\n"
        "Afterwards, log in with this email address and your password.",
        org=org.name,
        days=days,
        link=link,
    )


def _context(job: Job) -> str:
    return f"host_import_job:{job.id}:org:{job.org_id}:admin:{job.user_id}"


def queue_import(session: Session, *, org_id: int, admin_id: int, payload: str, filename: str, locale: str) -> Job:
    """The job, in the caller's transaction (the payload is the preview's sealed one, checked by the caller)."""
    return enqueue(session, KIND, org_id=org_id, user_id=admin_id, label=filename or "—", args={"locale": locale},
                   payload=payload.encode("ascii"), max_attempts=3)  # fmt: skip


@handler(KIND)
def run_import(ctx: JobContext) -> str:
    job, session = ctx.job, ctx.session
    cipher: PIICipher = ctx.app.extensions["lms.pii"]
    org = session.get(Organisation, job.org_id)
    try:
        unsealed = hostimport.unseal(ctx.app.config["SECRET_KEY"], cipher, job.payload.decode("ascii"),
                                     org_id=job.org_id, admin_id=job.user_id,
                                     max_age=int(PAYLOAD_AGE.total_seconds()))  # fmt: skip
        ctx.progress(0, len(unsealed.rows))
        created, _cohort = hostimport.create_hosts(
            session, ctx.app.config["LMS"], cipher, org, unsealed, link_for=link_for,
            subject=_("Your account at %(org)s", org=org.name), body=set_password_mail, admin_id=job.user_id)  # fmt: skip
    except hostimport.ImportConflict as exc:
        raise JobFailed("conflict", ", ".join(str(r.row) for r in exc.rows)) from exc
    except DomainError as exc:
        raise JobFailed("refused", str(exc.message)) from exc
    kept = {"links": {str(c.user.id): c.link for c in created if c.link},
            "skipped": [[r.row, r.name, [[p.field, p.code, p.params] for p in r.problems]] for r in unsealed.skipped]}
    ctx.output = cipher.encrypt(json.dumps(kept, ensure_ascii=False), context=_context(job))
    session.flush()
    record_id = hostimport.import_id_of(session, created)
    return f"host_import:{record_id}"


def outcome(session: Session, cipher: PIICipher, job: Job):
    """For the page of a finished import: (record, created rows with their hand-over links, skipped rows, cohort)."""
    record = hostimport.get_import(session, job.org_id, int(job.result_ref.split(":", 1)[1]))
    kept = json.loads(cipher.decrypt(job.payload, context=_context(job))) if job.payload else {"links": {}, "skipped": []}
    created = [hostimport.Created(a.row, a.user, kept["links"].get(str(a.user_id))) for a in record.accounts]
    skipped = [HostRow(row, name, None, None, None, None, [RowProblem(*p) for p in problems])
               for row, name, problems in kept["skipped"]]  # fmt: skip
    cohort = cohorts.get_cohort(session, job.org_id, record.cohort_id) if record.cohort_id else None
    return record, sorted(created, key=lambda c: c.row), skipped, cohort

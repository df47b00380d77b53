"""What the process-record PDF's job page and its poller show (the bureau's copy and the organisation admin's)."""

from __future__ import annotations

from flask import Response, jsonify, render_template
from flask_babel import gettext as _

from lms.bureau import processjob
from lms.jobs import services as jobs
from lms.jobs.models import DONE, FAILED, QUEUED, Job
from lms.site.templating import china_time


def status(job: Job, ready_url: str) -> dict:
    """``result_url``: where the poller goes once the PDF is ready (the job page, which then offers the download)."""
    message = None
    if job.state == FAILED:
        message = error_message(job)
    elif job.state == DONE and not processjob.ready(job):
        message = _("The PDF is kept for an hour after it is ready, and that hour has passed. Prepare it again.")
    elif job.state == QUEUED and job.error:
        message = _("Attempt %(n)d did not finish; the PDF is tried again at %(time)s (China time).",
                    n=job.attempts, time=china_time(job.available_at))  # fmt: skip
    if job.state == DONE:
        label = _("The PDF is ready.")
    elif job.state == FAILED:
        label = _("The PDF could not be prepared.")
    else:
        label = _("Preparing the PDF of %(n)d hosts…", n=job.progress_total) if job.progress_total else \
            _("Preparing the PDF…")
    return {"state": job.state, "done": job.progress_done, "total": job.progress_total, "percent": jobs.percent(job),
            "label": label, "message": message,
            "result_url": ready_url if processjob.ready(job) else None}  # fmt: skip


def error_message(job: Job) -> str:
    if (job.error or {}).get("code") == "gone":
        return _("The cohort is no longer there, so its PDF cannot be made.")
    return _("The PDF could not be prepared after %(n)d tries: the site had a problem. Try again; if it fails again, "
             "tell the site's operators (job %(id)d).", n=job.attempts, id=job.id)


def page(job: Job, *, org, title: str, download_url: str, status_url: str, page_url: str, start_url: str,
         back_url: str) -> str:  # fmt: skip
    return render_template("bureau/process_job.html", org=org, job=job, title=title,
                           status=status(job, page_url), download_url=download_url, status_url=status_url,
                           page_url=page_url, start_url=start_url, back_url=back_url)  # fmt: skip


def status_json(job: Job, page_url: str) -> Response:
    response = jsonify(status(job, page_url))
    response.headers["Cache-Control"] = "no-store"
    return response


def pdf_response(body: bytes, name: str) -> Response:
    return Response(body, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                                "Cache-Control": "no-store"})

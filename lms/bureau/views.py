"""The labor-bureau workspace: bulk certificate checks in the browser and by API, API tokens, the audit trail."""

from __future__ import annotations


from flask import Blueprint, Response, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.forms import ConfirmForm
from lms.bureau import audit_subsidy, bulkjob, process_files, processjob, required_policy, services, wording
from lms.bureau import processjob_views as process_pages
from lms.evidence import identity_services as identities
from lms.evidence import services as evidence_services
from lms.evidence.forms import StudyPolicyForm
from lms.evidence.automation import FLAG_LABELS
from lms.evidence.identity import LABELS as IDENTITY_LABELS
from lms.bureau.bulkfile import BulkFileError, BulkRow, read_rows, write_results_csv, write_results_xlsx
from lms.bureau.rows import make_row
from lms.catalogue.views import locale_code
from lms import spreadsheets
from lms.db import get_session
from lms.errors import DomainError, NotFound
from lms.extensions import csrf, limiter
from lms.jobs import services as jobs
from lms.jobs.models import FAILED, QUEUED
from lms.orgs.models import OrgKind, Role
from lms.security.access import PUBLIC, org_roles, rule
from lms.bounds import BadJSON, parse_json
from lms.site.templating import china_time
from lms.transparency import witnessing

bp = Blueprint("bureau", __name__)
VERIFIERS = org_roles(Role.BUREAU_VERIFIER, Role.ORG_ADMIN, kind=OrgKind.BUREAU)
MAX_API_ROWS = 100_000
MAX_API_BYTES = 8 * 1024 * 1024  # the site's request limit

FILE_PROBLEMS = {
    "missing_column": lambda e: _("The file lacks a column: %(detail)s. Expected columns: 证书编号 (certificate number), "
                                  "姓名 (name), and optionally 身份证号 (ID number).", detail=e.args[0]),
    "encoding": lambda e: _("The file is neither UTF-8 nor GBK text. Save it from Excel as CSV (UTF-8) or XLSX."),
    "empty": lambda e: _("The file has no rows."),
    "too_many_rows": lambda e: _("The file has more than 100,000 rows; split it into smaller files."),
    "duplicate_column": lambda e: _("A column appears twice: %(detail)s", detail=e.args[0]),
    "unreadable": lambda e: _("The file cannot be read: %(detail)s", detail=e.args[0]),
}



@bp.route("/bureau/<org_slug>/", methods=["GET", "POST"])
@rule(VERIFIERS)
def workspace(org_slug: str):
    session = get_session()
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(_("Choose a CSV or XLSX file to check."), "error")
            return redirect(url_for("bureau.workspace", org_slug=org_slug))
        data = upload.read()
        if len(data) > current_app.config["LMS"].bulk_check_job_bytes:
            job = bulkjob.queue_check(session, current_app.extensions["lms.pii"], org_id=g.org.id,
                                      user_id=current_user.id, filename=upload.filename, data=data,
                                      locale=str(get_locale() or "zh_CN"))  # fmt: skip
            session.commit()  # the job reaches the queue with this commit (or runs in it, in immediate mode)
            return redirect(url_for("bureau.job", org_slug=org_slug, job_id=job.id))
        try:
            parsed = read_rows(data, upload.filename)
        except BulkFileError as exc:
            # Nothing is stored from a rejected file; the attempt itself is audited.
            services.audit(session, org_id=g.org.id, user_id=current_user.id, action="bulk_check_rejected",
                           detail={"file": services.file_label(upload.filename), "code": exc.code})  # fmt: skip
            session.commit()
            flash(FILE_PROBLEMS.get(exc.code, FILE_PROBLEMS["unreadable"])(exc), "error")
            return redirect(url_for("bureau.workspace", org_slug=org_slug))
        results = services.check_rows(session, current_app.extensions["lms.pii"], list(parsed.rows), org_id=g.org.id,
                                      id_tries_per_day=current_app.config["LMS"].bureau_id_tries_per_day)
        check = services.record_and_audit(session, org_id=g.org.id, user_id=current_user.id,
                                          filename=upload.filename, results=results)  # fmt: skip
        session.commit()
        return redirect(url_for("bureau.check", org_slug=org_slug, check_id=check.id))
    checks = services.recent_checks(session, g.org.id)
    return render_template("bureau/workspace.html", org=g.org, form=form, checks=checks,
                           jobs=jobs.open_jobs(session, g.org.id, bulkjob.KIND),
                           job_bytes=current_app.config["LMS"].bulk_check_job_bytes)  # fmt: skip


def _job_status(job) -> dict:
    """What the progress page and its poller show, in the reader's language."""
    check_id = bulkjob.check_id_of(job)
    message = None
    if job.state == FAILED:
        message = _job_error(job)
    elif job.state == QUEUED and job.error:
        message = _("Attempt %(n)d did not finish; the check is tried again at %(time)s (China time).",
                    n=job.attempts, time=china_time(job.available_at))  # fmt: skip
    return {
        "state": job.state, "done": job.progress_done, "total": job.progress_total, "percent": jobs.percent(job),
        "label": _job_label(job), "message": message,
        "result_url": url_for("bureau.check", org_slug=g.org.slug, check_id=check_id) if check_id else None,
    }  # fmt: skip


def _job_label(job) -> str:
    if job.state == QUEUED and not job.progress_total:
        return _("Waiting for a worker…")
    if job.state == FAILED:
        return _("The check stopped.")
    return _("%(done)s of %(total)s rows checked (%(percent)d%%)", done=f"{job.progress_done:,}",
             total=f"{job.progress_total:,}", percent=jobs.percent(job))  # fmt: skip


def _job_error(job) -> str:
    error = job.error or {}
    code = error.get("code", "")
    if code in FILE_PROBLEMS:
        return FILE_PROBLEMS[code](BulkFileError(error.get("detail") or "", code=code))
    return _("The check could not be finished after %(n)d tries: the site had a problem, not your file. Upload the "
             "file again; if it fails again, tell the site's operators (job %(id)d).", n=job.attempts, id=job.id)


@bp.get("/bureau/<org_slug>/jobs/<int:job_id>")
@rule(VERIFIERS)
def job(org_slug: str, job_id: int):
    """A large check while it runs: a progress bar (refreshed by static/js/job-progress.js, or the refresh link),
    then the results; a failed check shows why."""
    found = jobs.get_job(get_session(), g.org.id, job_id, bulkjob.KIND)
    status = _job_status(found)
    if status["result_url"]:
        return redirect(status["result_url"])
    return render_template("bureau/job.html", org=g.org, job=found, status=status)


@bp.get("/bureau/<org_slug>/jobs/<int:job_id>.json")
@rule(VERIFIERS)
def job_status(org_slug: str, job_id: int):
    response = jsonify(_job_status(jobs.get_job(get_session(), g.org.id, job_id, bulkjob.KIND)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/bureau/<org_slug>/checks/<int:check_id>")
@rule(VERIFIERS)
def check(org_slug: str, check_id: int):
    found = services.get_check(get_session(), g.org.id, check_id)
    rows = services.stored_results(found)
    problems_first = sorted(rows, key=lambda r: (r["result"] == "valid", int(r["row"])))
    return render_template("bureau/check.html", org=g.org, check=found, rows=problems_first[:500], total=len(rows),
                           labels=wording.RESULT_LABELS)


@bp.get("/bureau/<org_slug>/checks/<int:check_id>.<any(csv, xlsx):fmt>")
@rule(VERIFIERS)
def check_download(org_slug: str, check_id: int, fmt: str):
    session = get_session()
    found = services.get_check(session, g.org.id, check_id)
    services.audit(session, org_id=g.org.id, user_id=current_user.id, action=f"export_{fmt}", rows=found.rows,
                   detail={"check": found.id})  # fmt: skip
    session.commit()
    name = f"bulk-check-{found.id}.{fmt}"
    rows, header = wording.results_table(services.stored_results(found)), wording.results_header()
    body = write_results_csv(rows, header) if fmt == "csv" else write_results_xlsx(rows, header, sheet=_("Check results"))
    return _attachment(body, fmt, name)


@bp.route("/bureau/<org_slug>/tokens", methods=["GET", "POST"])
@rule(VERIFIERS)
def tokens(org_slug: str):
    session = get_session()
    form = ConfirmForm()
    shown_once = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            record, shown_once = services.create_token(session, org_id=g.org.id, name=request.form.get("name", ""),
                                                       created_by_id=current_user.id)  # fmt: skip
        except DomainError as exc:
            session.rollback()
            flash(str(exc.message), "error")
        else:
            services.audit(session, org_id=g.org.id, user_id=current_user.id, action="token_created",
                           detail={"token": record.id, "name": record.name})  # fmt: skip
            session.commit()
    return render_template("bureau/tokens.html", org=g.org, form=form, tokens=services.tokens_of(session, g.org.id),
                           shown_once=shown_once)  # fmt: skip


@bp.post("/bureau/<org_slug>/tokens/<int:token_id>/revoke")
@rule(VERIFIERS)
def revoke_token(org_slug: str, token_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        session = get_session()
        services.revoke_token(session, g.org.id, token_id)
        services.audit(session, org_id=g.org.id, user_id=current_user.id, action="token_revoked",
                       detail={"token": token_id})  # fmt: skip
        session.commit()
        flash(_("The token is revoked: requests with it are refused from now on."), "success")
    return redirect(url_for("bureau.tokens", org_slug=org_slug))


@bp.get("/bureau/<org_slug>/audit")
@rule(VERIFIERS)
def audit_log(org_slug: str):
    session = get_session()
    return render_template("bureau/audit.html", org=g.org,
                           events=wording.audit_rows(session, services.audit_events(session, g.org.id)))


@bp.get("/bureau/<org_slug>/audit.csv")
@rule(VERIFIERS)
def audit_csv(org_slug: str):
    session = get_session()
    events = services.audit_events(session, g.org.id, limit=100_000)
    services.audit(session, org_id=g.org.id, user_id=current_user.id, action="audit_exported", rows=len(events))
    session.commit()
    body = spreadsheets.csv_bytes(wording.audit_header(), wording.audit_table(wording.audit_rows(session, events)))
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-{org_slug}.csv"'})


@bp.route("/bureau/<org_slug>/witness", methods=["GET", "POST"])
@rule(VERIFIERS)
def witness_keys(org_slug: str):
    session = get_session()
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            record = witnessing.register_key(session, g.org.id, request.form.get("vkey", ""))
        except DomainError as exc:
            session.rollback()
            flash(str(exc.message), "error")
        else:
            services.audit(session, org_id=g.org.id, user_id=current_user.id, action="witness_key_added",
                           detail={"key": record.id})  # fmt: skip
            session.commit()
            flash(_("Witness key saved. Cosignatures made with it are now accepted."), "success")
        return redirect(url_for("bureau.witness_keys", org_slug=org_slug))
    return render_template("bureau/witness.html", org=g.org, form=form,
                           keys=witnessing.keys_of(session, g.org.id), cosignatures=witnessing.cosignatures_of(session, g.org.id))


@bp.get("/bureau/<org_slug>/cohorts")
@rule(VERIFIERS)
def submitted_cohorts(org_slug: str):
    return render_template("bureau/cohorts.html", org=g.org,
                           submissions=audit_subsidy.submissions_to(get_session(), g.org.id))


@bp.get("/bureau/<org_slug>/cohorts/<int:submission_id>")
@rule(VERIFIERS)
def submitted_cohort(org_slug: str, submission_id: int):
    session = get_session()
    submission = audit_subsidy.submission_for(session, g.org.id, submission_id)
    board, hosts = audit_subsidy.audit_view(session, submission)
    services.audit(session, org_id=g.org.id, user_id=current_user.id, action="subsidy_audit_viewed",
                   rows=len(hosts), detail={"submission": submission.id,
                                            "hosts": [h.host.id for h in hosts if h.consented]})  # fmt: skip
    session.commit()
    records = {(v.host.id, v.course_id): v for v in audit_subsidy.process_views(session, board, hosts)}
    judge = required_policy.judge_for(session, submission)
    checks = identities.checks_of_users(session, [h.host.id for h in hosts if h.consented])
    return render_template("bureau/cohort.html", org=g.org, submission=submission, board=board, hosts=hosts,
                           records=records, flag_labels=FLAG_LABELS, identity_checks=checks, form=ConfirmForm(),
                           identity_labels=IDENTITY_LABELS,
                           locale=locale_code(), status_label=wording.status_label,
                           judged={key: judge(view) for key, view in records.items()},
                           requirement=required_policy.requirement(session, submission))  # fmt: skip


@bp.route("/bureau/<org_slug>/cohorts/<int:submission_id>/required-policy", methods=["GET", "POST"])
@rule(VERIFIERS)
def required_study_policy(org_slug: str, submission_id: int):
    """The officer requires a study policy for the submitted cohort, or takes it as the organisation chose."""
    session = get_session()
    submission = audit_subsidy.submission_for(session, g.org.id, submission_id)
    form, clear = StudyPolicyForm(prefix="required"), ConfirmForm(prefix="chose")
    if clear.submit.data and clear.validate_on_submit():
        if required_policy.as_organisation_chose(session, submission):
            services.audit(session, org_id=g.org.id, user_id=current_user.id, action="required_policy_cleared",
                           detail={"submission": submission.id})  # fmt: skip
        session.commit()
        flash(_("The cohort is judged by the study policy its organisation chose."), "success")
        return redirect(url_for("bureau.submitted_cohort", org_slug=org_slug, submission_id=submission.id))
    if form.submit.data and form.validate_on_submit():
        version = required_policy.require(session, submission, form.policy(), current_user.id)
        services.audit(session, org_id=g.org.id, user_id=current_user.id, action="required_policy_set",
                       detail={"submission": submission.id, "version": version, **form.policy().as_dict()})  # fmt: skip
        session.commit()
        flash(_("Study policy required. Each host's record is now judged against it."), "success")
        return redirect(url_for("bureau.submitted_cohort", org_slug=org_slug, submission_id=submission.id))
    current = required_policy.requirement(session, submission)
    if request.method == "GET":
        form.fill(current.policy if current else evidence_services.cohort_policy(session, submission.cohort).policy)
    form.submit.label.text = _("Require this policy")
    return render_template("bureau/required_policy.html", org=g.org, submission=submission, form=form,
                           clear=clear, current=current), 400 if form.errors else 200  # fmt: skip


@bp.get("/bureau/<org_slug>/cohorts/<int:submission_id>/process.<any(csv, xlsx, pdf, json):fmt>")
@bp.get("/bureau/<org_slug>/cohorts/<int:submission_id>/hosts/<int:user_id>/process.<any(pdf):fmt>")
@rule(VERIFIERS)
def process_record(org_slug: str, submission_id: int, fmt: str, user_id: int | None = None):
    """培训过程记录 of the consenting hosts (or of one): sessions, minutes per day and class hour, presence checks,
    identity checks, quizzes, certificates; the JSON file carries the seals' log proofs for ``lms verify``."""
    session = get_session()
    submission, board, views = processjob.bureau_views(session, g.org.id, submission_id)
    if user_id is not None:
        views = [view for view in views if view.host.id == user_id]
        if not views:
            raise NotFound(_("No process record of this host in the submitted cohort."))
    name = f"process-record-{submission.cohort_id}" + (f"-{user_id}" if user_id is not None else "") + f".{fmt}"
    hosts = sorted({view.host.id for view in views})
    if fmt == "pdf" and user_id is None and len(views) > processjob.DIRECT_HOSTS:
        job = processjob.queue_pdf(session, processjob.BUREAU_KIND, org_id=g.org.id, user_id=current_user.id,
                                   label=board.cohort.name[:200], args={"submission": submission.id, "hosts": hosts,
                                   "cohort": submission.cohort_id, "locale": str(get_locale() or "zh_CN")})  # fmt: skip
        session.commit()  # the job reaches the queue with this commit
        return redirect(url_for("bureau.process_pdf_job", org_slug=org_slug, job_id=job.id))
    if fmt == "pdf":
        body = processjob.bureau_pdf(session, current_app.extensions["lms.pii"], submission, board, views)
    elif fmt == "json":
        body = process_files.process_json(session, views)
    else:
        rows = audit_subsidy.process_rows(views)
        body = audit_subsidy.process_csv(rows) if fmt == "csv" else audit_subsidy.process_xlsx(rows)
    services.audit(session, org_id=g.org.id, user_id=current_user.id, action=f"process_record_exported_{fmt}",
                   rows=len(views), detail={"submission": submission.id, "full_id_numbers": fmt == "pdf",
                                            "hosts": hosts})  # fmt: skip
    session.commit()
    return _attachment(body, fmt, name)


def _process_pdf_urls(org_slug: str, job) -> dict:
    return {"download_url": url_for("bureau.process_pdf_download", org_slug=org_slug, job_id=job.id),
            "status_url": url_for("bureau.process_pdf_job_status", org_slug=org_slug, job_id=job.id),
            "page_url": url_for("bureau.process_pdf_job", org_slug=org_slug, job_id=job.id),
            "start_url": url_for("bureau.process_record", org_slug=org_slug, submission_id=job.args["submission"],
                                 fmt="pdf"),
            "back_url": url_for("bureau.submitted_cohort", org_slug=org_slug, submission_id=job.args["submission"])}


@bp.get("/bureau/<org_slug>/process-pdfs/<int:job_id>")
@rule(VERIFIERS)
def process_pdf_job(org_slug: str, job_id: int):
    """A large cohort's process-record PDF while a worker prepares it, then its download."""
    found = jobs.get_job(get_session(), g.org.id, job_id, processjob.BUREAU_KIND)
    return process_pages.page(found, org=g.org, title=_("Process record PDF · %(cohort)s", cohort=found.label),
                              **_process_pdf_urls(org_slug, found))  # fmt: skip


@bp.get("/bureau/<org_slug>/process-pdfs/<int:job_id>.json")
@rule(VERIFIERS)
def process_pdf_job_status(org_slug: str, job_id: int):
    found = jobs.get_job(get_session(), g.org.id, job_id, processjob.BUREAU_KIND)
    return process_pages.status_json(found, _process_pdf_urls(org_slug, found)["page_url"])


@bp.get("/bureau/<org_slug>/process-pdfs/<int:job_id>/process.pdf")
@rule(VERIFIERS)
def process_pdf_download(org_slug: str, job_id: int):
    """The prepared PDF (full ID numbers): audit-logged like the one rendered at once."""
    session = get_session()
    found = jobs.get_job(session, g.org.id, job_id, processjob.BUREAU_KIND)
    if not processjob.ready(found):
        return redirect(url_for("bureau.process_pdf_job", org_slug=org_slug, job_id=found.id))
    body = processjob.stored_pdf(current_app.extensions["lms.pii"], found)
    hosts = found.args.get("hosts", [])
    services.audit(session, org_id=g.org.id, user_id=current_user.id, action="process_record_exported_pdf",
                   rows=len(hosts), detail={"submission": found.args["submission"], "full_id_numbers": True,
                                            "hosts": hosts, "job": found.id})  # fmt: skip
    session.commit()
    return _attachment(body, "pdf", f"process-record-{found.args['cohort']}.pdf")


@bp.get("/bureau/<org_slug>/cohorts/<int:submission_id>/roster.<any(csv, xlsx):fmt>")
@rule(VERIFIERS)
def roster(org_slug: str, submission_id: int, fmt: str):
    """培训花名册 with full ID numbers: the only place they leave the site; audit-logged."""
    session = get_session()
    submission = audit_subsidy.submission_for(session, g.org.id, submission_id)
    rows = audit_subsidy.roster_rows(session, current_app.extensions["lms.pii"], submission)
    services.audit(session, org_id=g.org.id, user_id=current_user.id, action=f"roster_exported_{fmt}", rows=len(rows),
                   detail={"submission": submission.id, "full_id_numbers": True,
                           "certificates": [r[8] for r in rows if r[8]]})  # fmt: skip
    session.commit()
    name = f"roster-{submission.cohort_id}.{fmt}"
    return _attachment(audit_subsidy.roster_csv(rows) if fmt == "csv" else audit_subsidy.roster_xlsx(rows), fmt, name)


def _attachment(body: bytes, fmt: str, name: str) -> Response:
    """A file to download (a CSV or XLSX written by lms.spreadsheets, so no cell runs as a formula)."""
    return Response(body, mimetype=spreadsheets.MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


def _api_error(status: int, detail: str):
    return jsonify({"error": {"status": status, "detail": detail}}), status


def _bearer_token(session):
    """The bureau token in ``Authorization: Bearer …`` (missing, wrong, revoked or non-bureau: None)."""
    header = request.headers.get("Authorization", "")
    return services.token_for(session, header[7:].strip()) if header.startswith("Bearer ") else None


def _unauthorised():
    body, status = _api_error(401, "a valid bearer token of a labor bureau is required")
    return body, status, {"WWW-Authenticate": "Bearer"}


def api_rows(body: bytes) -> list[BulkRow]:
    """The rows of a JSON bulk request; :class:`BadJSON` names the item and field that cannot be used."""
    payload = parse_json(body, max_bytes=MAX_API_BYTES, max_depth=3)  # depth 3: a field's wrong type is named
    if not isinstance(payload, list) or not 1 <= len(payload) <= MAX_API_ROWS:
        raise BadJSON(f"send a JSON array of 1 to {MAX_API_ROWS} objects with number, name, id_number")
    rows = []
    for i, item in enumerate(payload, start=1):
        if not isinstance(item, dict):
            raise BadJSON(f"item {i}: send an object with number, name and optionally id_number")
        for key in ("number", "name", "id_number"):
            if item.get(key) is not None and not isinstance(item[key], str):
                raise BadJSON(f"item {i}: {key} must be a string")
        rows.append(make_row(i, item.get("number"), item.get("name"), item.get("id_number")))
    return rows


@bp.post("/api/v1/verify/bulk")
@rule(PUBLIC)  # authorised by the bearer token below, not by a browser session
@csrf.exempt
@limiter.limit("30 per minute")
def api_bulk():
    session = get_session()
    token = _bearer_token(session)
    if token is None:
        return _unauthorised()
    session.commit()  # the token's last use; and the ID-number allowance is counted on a connection of its own
    if request.mimetype == "application/json":
        try:
            rows = api_rows(request.get_data())
        except BadJSON as exc:
            return _api_error(400, str(exc))
    else:
        try:
            rows = list(read_rows(request.get_data(), "upload.csv").rows)
        except BulkFileError as exc:
            return _api_error(400, str(exc))
    results = services.check_rows(session, current_app.extensions["lms.pii"], rows, org_id=token.org_id,
                                  id_tries_per_day=current_app.config["LMS"].bureau_id_tries_per_day)
    services.audit(session, org_id=token.org_id, token_id=token.id, action="api_bulk_check", rows=len(results),
                   detail={"summary": services.summary_of(results), "numbers": services.looked_up(results)})  # fmt: skip
    session.commit()
    return jsonify([r.as_dict() for r in results])


@bp.post("/api/v1/log/cosignatures")
@rule(PUBLIC)  # authorised by the bureau's bearer token
@csrf.exempt
@limiter.limit("30 per minute")
def api_cosign():
    """A bureau sends a checkpoint it verified, cosigned with its registered witness key (C2SP tlog-cosignature)."""
    session = get_session()
    token = _bearer_token(session)
    if token is None:
        return _unauthorised()
    try:
        stored = witnessing.accept_cosigned(session, current_app.config["LMS"], token.org_id, request.get_data(as_text=True))
    except DomainError as exc:
        session.rollback()
        return _api_error(400, str(exc.message))
    services.audit(session, org_id=token.org_id, token_id=token.id, action="log_cosigned",
                   detail={"tree_size": stored[0].tree_size})  # fmt: skip
    session.commit()
    return jsonify({"accepted": len(stored), "tree_size": stored[0].tree_size})

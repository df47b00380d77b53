"""An MCN's org admin imports hosts from a CSV or XLSX file: upload, preview (nothing written), confirm."""

from __future__ import annotations

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from lms.accounts.forms import ConfirmForm
from lms.cohorts import services as cohorts
from lms.db import get_session
from lms.errors import DomainError, NotFound, ValidationFailed
from lms.jobs import services as jobs
from lms.jobs.models import DONE, FAILED
from lms.orgs import bp, hostimport, hostimport_job
from lms.orgs.hostfile import MAX_BYTES, MAX_ROWS, HostFileError, template_csv
from lms.orgs.models import OrgKind, Role
from lms.security.access import org_roles, role_allowed, rule
from lms.security.passwords import is_unusable
from lms.bounds import whole_number

ADMINS = org_roles(Role.ORG_ADMIN, kind=OrgKind.MCN)
#: Who may import hosts: the org admins, and its trainers while the organisation allows it.
IMPORTERS = org_roles(Role.ORG_ADMIN, kind=OrgKind.MCN, when={Role.TRAINER: "trainers_import_hosts"})

FILE_PROBLEMS = {
    "missing_column": lambda e: _("The file lacks the column %(missing)s. Columns found: %(found)s.",
                                  missing=_(" and ").join(e.params.get("missing", [])),
                                  found=", ".join(e.params.get("found", [])) or "—"),  # fmt: skip
    "encoding": lambda e: _(
        "The file is neither UTF-8 nor GB18030/GBK text. Save it from Excel as CSV (UTF-8) or XLSX."
    ),
    "empty": lambda e: _("The file has no host rows."),
    "too_many_rows": lambda e: _("The file has more than %(n)d host rows; split it into smaller files.", n=MAX_ROWS),
    "too_large": lambda e: _("The file is larger than %(kb)d KB; split it into smaller files.", kb=MAX_BYTES // 1024),
    "duplicate_column": lambda e: _("A column appears twice: %(first)s and %(second)s. Keep only one of them.",
                                    first=e.params.get("first", ""), second=e.params.get("second", "")),  # fmt: skip
    "unreadable": lambda e: _("The file cannot be read: %(detail)s", detail=e.message),
}


@bp.app_template_global()
def can_import_hosts(org) -> bool:
    """Whether the current user may import hosts into ``org``: its org admins, and its trainers while it allows it."""
    if org.kind != OrgKind.MCN:
        return False
    membership = g.get("membership")
    return current_user.is_site_admin or (membership is not None and role_allowed(IMPORTERS, org, membership.role.value))


@bp.app_template_global()
def may_renew_links() -> bool:
    """New first links for a member stay with the org admins (and the site's operators)."""
    membership = g.get("membership")
    return current_user.is_site_admin or (membership is not None and membership.role == Role.ORG_ADMIN)


def qr_svg(link: str) -> Markup:
    """A first link as a QR code (inline SVG: no script, no style), for the printable sheet of the import result."""
    import segno  # loaded with the first printed sheet, not in every worker at start

    return Markup(segno.make(link, micro=False).svg_inline(scale=3, svgclass="qr"))


def _cipher():
    return current_app.extensions["lms.pii"]


def _no_store(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _upload_page(status: int = 200):
    session = get_session()
    return render_template("orgs/import_hosts.html", org=g.org, form=ConfirmForm(),
                           cohorts=cohorts.cohorts_of(session, g.org.id), max_rows=MAX_ROWS,
                           imports=hostimport.recent_imports(session, g.org.id),
                           max_kb=MAX_BYTES // 1024), status  # fmt: skip


@bp.route("/orgs/<org_slug>/hosts/import", methods=["GET", "POST"])
@rule(IMPORTERS)
def import_hosts(org_slug: str):
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _upload_page(200 if request.method == "GET" else 400)
    session = get_session()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a CSV or XLSX file with the hosts."), "error")
        return _upload_page(400)
    cohort = None
    cohort_id = whole_number(request.form.get("cohort", ""))
    if cohort_id is not None:
        try:
            cohort = cohorts.get_cohort(session, g.org.id, cohort_id)
        except NotFound:
            flash(_("Choose one of this organisation's cohorts, or none."), "error")
            return _upload_page(400)
    try:
        parsed = hostimport.preview(session, g.org.id, upload.read(MAX_BYTES + 1), upload.filename)
    except HostFileError as exc:
        flash(FILE_PROBLEMS[exc.code](exc), "error")
        return _upload_page(400)
    session.rollback()  # a preview writes nothing
    payload = hostimport.seal(current_app.config["SECRET_KEY"], _cipher(), org_id=g.org.id,
                              admin_id=current_user.id, cohort_id=cohort.id if cohort else None,
                              rows=parsed.good, skipped=parsed.bad,
                              filename=upload.filename or "") if parsed.good else ""  # fmt: skip
    return _no_store(render_template(
        "orgs/import_preview.html", org=g.org, parsed=parsed, cohort=cohort, payload=payload, form=ConfirmForm(),
        filename=upload.filename, problem_message=hostimport.problem_message, field_labels=hostimport.FIELD_LABELS,
        minutes=hostimport.PAYLOAD_MINUTES,
    ))  # fmt: skip


@bp.get("/orgs/<org_slug>/hosts/import/template.csv")
@rule(IMPORTERS)
def import_template(org_slug: str):
    return Response(template_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="hosts-template.csv"'})  # fmt: skip


@bp.post("/orgs/<org_slug>/hosts/import/confirm")
@rule(IMPORTERS)
def import_confirm(org_slug: str):
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _upload_page(400)
    if request.form.get("action") == "cancel":
        flash(_("Import cancelled: nothing was saved."), "success")
        return redirect(url_for("orgs.import_hosts", org_slug=org_slug))
    session = get_session()
    cfg = current_app.config["LMS"]
    try:
        unsealed = hostimport.unseal(current_app.config["SECRET_KEY"], _cipher(), request.form.get("payload", ""),
                                     org_id=g.org.id, admin_id=current_user.id)  # fmt: skip
        if len(unsealed.rows) > cfg.host_import_job_rows:
            job = hostimport_job.queue_import(session, org_id=g.org.id, admin_id=current_user.id,
                                              payload=request.form["payload"], filename=unsealed.filename,
                                              locale=str(get_locale() or "zh_CN"))  # fmt: skip
            session.commit()
            return redirect(url_for("orgs.import_job", org_slug=org_slug, job_id=job.id))
        created, cohort = hostimport.create_hosts(
            session, cfg, _cipher(), g.org, unsealed,
            link_for=hostimport_job.link_for, subject=_("Your account at %(org)s", org=g.org.name), body=hostimport_job.set_password_mail,
            admin_id=current_user.id,
        )  # fmt: skip
    except hostimport.ImportConflict as exc:
        session.rollback()
        return _no_store(render_template(
            "orgs/import_conflict.html", org=g.org, rows=exc.rows, message=exc.message,
            problem_message=hostimport.problem_message, field_labels=hostimport.FIELD_LABELS,
        ), 409)  # fmt: skip
    except DomainError as exc:
        session.rollback()
        flash(str(exc.message), "error")
        return _upload_page(400)
    session.commit()
    return _no_store(render_template(
        "orgs/import_result.html", org=g.org, created=created, cohort=cohort, skipped=unsealed.skipped, qr_svg=qr_svg,
        days=hostimport.SET_PASSWORD_DAYS, problem_message=hostimport.problem_message,
        field_labels=hostimport.FIELD_LABELS, import_id=hostimport.import_id_of(session, created),
    ))  # fmt: skip


@bp.post("/orgs/<org_slug>/members/<int:user_id>/set-password-link")
@rule(ADMINS)
def renew_link(org_slug: str, user_id: int):
    """A new first-password link for an imported host who lost theirs (or let it run out)."""
    back = redirect(url_for("orgs.organisation", org_slug=org_slug) + "#members")
    if not ConfirmForm().validate_on_submit():
        return back
    session = get_session()
    try:
        user, link = hostimport.renew_set_password_link(
            session, current_app.config["LMS"], _cipher(), g.org, user_id, link_for=hostimport_job.link_for,
            subject=_("Your account at %(org)s", org=g.org.name), body=hostimport_job.set_password_mail)  # fmt: skip
    except ValidationFailed as exc:
        session.rollback()
        flash(str(exc.message), "error")
        return back
    session.commit()
    if link is None:
        flash(_("A new set-password link was sent to %(email)s; earlier links no longer work.", email=user.email),
              "success")  # fmt: skip
        return back
    return _no_store(render_template("orgs/new_link.html", org=g.org, user=user, link=link,
                                     days=hostimport.SET_PASSWORD_DAYS))  # fmt: skip


@bp.get("/orgs/<org_slug>/hosts/imports/<int:import_id>")
@rule(IMPORTERS)
def import_detail(org_slug: str, import_id: int):
    """One earlier import: the accounts it created, row by row, and which of them have chosen a password yet."""
    record = hostimport.get_import(get_session(), g.org.id, import_id)
    return render_template("orgs/import_detail.html", org=g.org, record=record, is_unusable=is_unusable,
                           can_renew=may_renew_links())  # fmt: skip


@bp.get("/orgs/<org_slug>/hosts/import/jobs/<int:job_id>")
@rule(IMPORTERS)
def import_job(org_slug: str, job_id: int):
    """A large import confirmed into a background job: waiting, failed with its reason, or done with the accounts
    (and, for the admin who confirmed it, the links to hand over)."""
    session = get_session()
    job = jobs.get_job(session, g.org.id, job_id, hostimport_job.KIND)
    if job.state == DONE:
        record, created, skipped, cohort = hostimport_job.outcome(session, _cipher(), job)
        if job.user_id != current_user.id:  # the links are for the admin who confirmed the import
            return redirect(url_for("orgs.import_detail", org_slug=org_slug, import_id=record.id))
        return _no_store(render_template(
            "orgs/import_result.html", org=g.org, created=created, cohort=cohort, skipped=skipped, qr_svg=qr_svg,
            days=hostimport.SET_PASSWORD_DAYS, problem_message=hostimport.problem_message,
            field_labels=hostimport.FIELD_LABELS, import_id=record.id,
        ))  # fmt: skip
    message = None
    if job.state == FAILED:
        error = job.error or {}
        message = {
            "conflict": lambda: _("Some hosts can no longer be created, so nothing was imported (rows %(rows)s). "
                                  "Upload the file again.", rows=error.get("detail", "")),
            "refused": lambda: error.get("detail", ""),
        }.get(error.get("code"), lambda: _("The import could not be finished after %(n)d tries: nothing was "
                                           "imported. Upload the file again (job %(id)d).", n=job.attempts, id=job.id))()  # fmt: skip
    return render_template("orgs/import_job.html", org=g.org, job=job, message=message)

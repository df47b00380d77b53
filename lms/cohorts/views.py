"""Trainer and org-admin pages for cohorts: list and create, members and courses, the progress dashboard."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms import spreadsheets
from lms.accounts.forms import ConfirmForm
from lms.catalogue import services as catalogue
from lms.catalogue.views import locale_code
from lms.cohorts import export as exports
from lms.cohorts import hosts, services
from lms.db import get_session
from lms.errors import DomainError, NotFound
from lms.learning.studytime import china_day
from lms.orgs.models import OrgKind, Role
from lms.security.access import org_roles, rule
from lms.bounds import whole_number

bp = Blueprint("cohorts", __name__)
TRAINERS = org_roles(Role.TRAINER, Role.ORG_ADMIN, kind=OrgKind.MCN)
STATE_LABELS = {"not_started": _l("Not started"), "in_progress": _l("In progress"), "completed": _l("Completed"),
                "overdue": _l("Overdue")}
CERTIFICATE_STATUS_LABELS = {"valid": _l("Valid"), "revoked": _l("Revoked"), "superseded": _l("Superseded")}
#: Spreadsheet headers, in the reader's language (the CSV keeps the column keys, for programs).
COLUMN_LABELS = {
    "host": _l("Host"), "login": _l("Login"), "legal_name": _l("Legal name"), "id_masked": _l("ID number (masked)"),
    "course": _l("Course code"), "course_title": _l("Course"), "deadline": _l("Deadline"), "state": _l("State"),
    "lessons_done": _l("Lessons completed"), "lessons_total": _l("Lessons in total"),
    "minutes": _l("Verified minutes"), "hours": _l("Study hours"), "quiz_score": _l("Counted quiz score (%)"),
    "best_quiz_score": _l("Best quiz score (%)"), "certificate": _l("Certificate number"),
    "certificate_status": _l("Certificate status"), "day": _l("Date (China time)"), "issued_on": _l("Issued on"),
    "status": _l("Status"),
}  # fmt: skip
XLSX = spreadsheets.MIMETYPES["xlsx"]


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None



@bp.route("/orgs/<org_slug>/cohorts", methods=["GET", "POST"])
@rule(TRAINERS)
def index(org_slug: str):
    session = get_session()
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            cohort = services.create_cohort(session, g.org.id, name=request.form.get("name", ""),
                                            starts_on=_date(request.form.get("starts_on")),
                                            ends_on=_date(request.form.get("ends_on")))  # fmt: skip
        except DomainError as exc:
            session.rollback()
            flash(str(exc.message), "error")
        else:
            session.commit()
            return redirect(url_for("cohorts.cohort", org_slug=org_slug, cohort_id=cohort.id))
    return render_template("cohorts/index.html", org=g.org, cohorts=services.cohorts_of(session, g.org.id), form=form)


@bp.route("/orgs/<org_slug>/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@rule(TRAINERS)
def cohort(org_slug: str, cohort_id: int):
    session = get_session()
    found = services.get_cohort(session, g.org.id, cohort_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            if request.form.get("action") == "submit":
                if request.form.get("understood") != "y":  # what is shared is said before it is shared
                    raise DomainError(_("Tick the box to confirm that the bureau may see the hosts' names and full "
                                        "identity card numbers; nothing was shared."))
                services.submit(session, found, request.form.get("bureau", ""), current_user.id)
                message = _("Submitted: the bureau can now audit this cohort's study records.")
            elif request.form.get("action") == "members":
                ids = [n for n in map(whole_number, request.form.getlist("host")) if n is not None]
                added = services.add_members(session, found, ids)
                message = _("%(n)d host(s) added and enrolled on the cohort's courses.", n=added)
            else:
                services.assign_course(session, found, [g.org.id], request.form.get("course", ""),
                                       _date(request.form.get("deadline")))  # fmt: skip
                message = _("Course assigned; every member is enrolled on it.")
        except NotFound:
            session.rollback()
            return render_template("catalogue/not_found.html"), 404
        except DomainError as exc:
            session.rollback()
            flash(str(exc.message), "error")
        else:
            session.commit()
            flash(message, "success")
        return redirect(url_for("cohorts.cohort", org_slug=org_slug, cohort_id=cohort_id))
    board = services.dashboard(session, found)
    member_ids = {h.id for h in board.hosts}
    candidates = [h for h in services.org_hosts(session, g.org.id) if h.id not in member_ids]
    courses = catalogue.list_courses(session, org_ids=[g.org.id])
    return render_template("cohorts/cohort.html", org=g.org, board=board, candidates=candidates, courses=courses,
                           bureaus=services.bureaus(session), submissions=services.submissions_of(session, found),
                           form=form, locale=locale_code(), state_labels={k: str(v) for k, v in STATE_LABELS.items()})


@bp.get("/orgs/<org_slug>/cohorts/<int:cohort_id>.csv")
@rule(TRAINERS)
def export(org_slug: str, cohort_id: int):
    session = get_session()
    found = services.get_cohort(session, g.org.id, cohort_id)
    body = services.dashboard_csv(session, services.dashboard(session, found), locale_code())
    return _download(body, "text/csv", found, "csv")


@bp.get("/orgs/<org_slug>/cohorts/<int:cohort_id>/<any(hours, certificates):table>.csv")
@rule(TRAINERS)
def export_table(org_slug: str, cohort_id: int, table: str):
    """The workbook's other sheets as CSV: study minutes per host, day and course; the certificates issued."""
    session = get_session()
    found = services.get_cohort(session, g.org.id, cohort_id)
    rows = services.export_rows(session, services.dashboard(session, found), locale_code(), with_hours=table == "hours")
    body = (exports.table_csv(exports.HOURS_COLUMNS, rows.hours) if table == "hours"
            else exports.table_csv(exports.CERTIFICATE_COLUMNS, rows.certificates))  # fmt: skip
    return _download(body, "text/csv", found, "csv", part=table)


@bp.get("/orgs/<org_slug>/cohorts/<int:cohort_id>.xlsx")
@rule(TRAINERS)
def export_xlsx(org_slug: str, cohort_id: int):
    session = get_session()
    found = services.get_cohort(session, g.org.id, cohort_id)
    rows = services.export_rows(session, services.dashboard(session, found), locale_code())
    headers = {key: str(label) for key, label in COLUMN_LABELS.items()}
    labels = {"state": {k: str(v) for k, v in STATE_LABELS.items()},
              "certificate_status": {k: str(v) for k, v in CERTIFICATE_STATUS_LABELS.items()},
              "status": {k: str(v) for k, v in CERTIFICATE_STATUS_LABELS.items()}}  # fmt: skip
    body = exports.workbook([
        exports.Sheet(_("Progress"), exports.PROGRESS_COLUMNS, headers, rows.progress, labels),
        exports.Sheet(_("Study hours"), exports.HOURS_COLUMNS, headers, rows.hours, labels),
        exports.Sheet(_("Certificates"), exports.CERTIFICATE_COLUMNS, headers, rows.certificates, labels),
    ])  # fmt: skip
    return _download(body, XLSX, found, "xlsx")


def _download(body: bytes, mimetype: str, cohort, extension: str, part: str = "") -> Response:
    suffix = f"-{part}" if part else ""
    disposition = exports.attachment(f"{cohort.name}{suffix}.{extension}", f"cohort-{cohort.id}{suffix}.{extension}")
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


@bp.get("/orgs/<org_slug>/hosts/<int:user_id>")
@rule(TRAINERS)
def host(org_slug: str, user_id: int):
    session = get_session()
    record = hosts.host_record(session, g.org.id, user_id, locale_code())
    raw = request.args.get("cohort", "")
    back = next((c for c in record.cohorts if c.id == whole_number(raw)), None)
    return render_template("cohorts/host.html", org=g.org, record=record, back=back, china_day=china_day,
                           state_labels={k: str(v) for k, v in STATE_LABELS.items()},
                           status_labels={k: str(v) for k, v in CERTIFICATE_STATUS_LABELS.items()})  # fmt: skip

"""The host's script-check page (paste or upload, see each risky span, fix and re-check, optionally save), the
host's saved scripts, the organisation's rules and finding counts, and ``POST /api/v1/script/check``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.forms import ConfirmForm
from lms.bounds import BadJSON, parse_json, whole_number
from lms.catalogue.views import locale_code
from lms.db import get_session
from lms.errors import DomainError, NotFound
from lms.extensions import csrf, limiter
from lms.i18n import error_text, localized
from lms.orgs.models import OrgKind, Role
from lms.scriptcheck import checker, documents, services
from lms.scriptcheck.checker import article_label, law_index, report_dict, segments
from lms.scriptcheck.forms import CheckForm, OrgRuleForm
from lms.scriptcheck.rules import CATEGORIES, FAMILIES, SEVERITY_LABELS
from lms.security.access import LOGIN, PUBLIC, org_roles, rule
from lms.security.forms import attach_error

bp = Blueprint("scriptcheck", __name__)
TRAINERS = org_roles(Role.TRAINER, Role.ORG_ADMIN, kind=OrgKind.MCN)
MAX_API_BYTES = 256 * 1024
API_JSON_DEPTH = 4  # the body is one flat object


def _view_findings(session, report):
    """Numbered findings with everything the page shows, and the script's lines cut into marked pieces."""
    index = law_index()
    numbered = list(enumerate(report.findings, start=1))
    citations = {(f.law.name, index.title(f.law.name), f.law.article) for _n, f in numbered if f.law}
    citations |= {(f.law.name, index.title(f.law.name), f.law.article) for f in report.missing if f.law}
    lessons = services.lessons_for(session, citations)
    locale = locale_code()

    def item(number, f):
        lesson = lessons.get((f.law.name, f.law.article)) if f.law else None
        return {
            "number": number, "finding": f, "family": localized(FAMILIES[f.family]),
            "explanation": f.explanation_in(locale),
            "severity": localized(SEVERITY_LABELS[f.severity]),
            "law": index.title(f.law.name) if f.law else "", "article": article_label(f.law) if f.law else "",
            "single_source": bool(f.law and index.is_single_source(f.law.name)),
            "lesson": (url_for("learning.lesson", slug=lesson[0], lesson_slug=lesson[1].slug),
                       lesson[1].title(locale)) if lesson else None,
        }  # fmt: skip

    items = [item(n, f) for n, f in numbered]
    missing = [item(None, f) for f in report.missing]
    by_line: dict[int, list] = {}
    for n, f in numbered:
        by_line.setdefault(f.line, []).append((n, f))
    lines = [segments(line, by_line.get(i, [])) for i, line in enumerate(report.lines, start=1)]
    return items, missing, lines


def report_context(session, report) -> dict:
    """What templates/scriptcheck/_report.html needs to show a report (also used by rewrite exercises)."""
    items, missing, lines = _view_findings(session, report)
    return {"report": report, "items": items, "missing": missing, "lines": lines,
            "checked": [localized(FAMILIES[f]) for f in report.checked],
            "category_label": localized(CATEGORIES[report.category])}


def _script_text(form: CheckForm) -> str:
    upload = form.upload.data
    if upload and getattr(upload, "filename", ""):
        try:
            return documents.read_upload(upload.filename, upload.read(documents.MAX_UPLOAD_BYTES + 1))
        except documents.DocumentError as exc:
            raise DomainError(_("%(file)s: %(problem)s", file=upload.filename, problem=localized(exc.args[0])),
                              field="upload") from None
    return form.script.data or ""


@bp.route("/script-check/", methods=["GET", "POST"])
@rule(LOGIN)
def check():
    session = get_session()
    form = CheckForm()
    context = {"report": None}
    if request.method == "GET" and request.args.get("saved"):
        try:
            saved_id = whole_number(request.args["saved"])
            if saved_id is None:
                raise NotFound("no such saved script")
            saved = services.saved_script(session, current_user.id, saved_id)
        except NotFound:
            abort(404)
        form.script.data, form.category.data, form.title.data, form.script_id.data = (
            saved.body, saved.category, saved.title, str(saved.id))
    if form.validate_on_submit():
        try:
            text = _script_text(form)
            form.script.data = text  # an uploaded file lands in the text box, to edit and re-check
            report = services.check_script(session, current_user.id, text, form.category.data)
            if form.save.data:
                script_id = whole_number(form.script_id.data)
                saved = services.save_script(session, current_user.id, form.title.data or "", form.category.data,
                                             text, script_id)
                form.script_id.data = str(saved.id)
                flash(_("Saved. Only you can see your saved scripts."), "success")
        except NotFound:
            session.rollback()
            abort(404)
        except DomainError as exc:
            session.rollback()
            if not attach_error(form, exc.field, error_text(exc.message)):
                flash(error_text(exc.message), "error")
        else:
            session.commit()
            context = report_context(session, report)
    return render_template("scriptcheck/check.html", form=form, **context)


@bp.get("/script-check/saved")
@rule(LOGIN)
def saved():
    scripts = services.saved_scripts(get_session(), current_user.id)
    return render_template("scriptcheck/saved.html", scripts=scripts, form=ConfirmForm(),
                           categories={k: localized(v) for k, v in CATEGORIES.items()})


@bp.post("/script-check/saved/<int:script_id>/delete")
@rule(LOGIN)
def delete_saved(script_id: int):
    if ConfirmForm().validate_on_submit():
        session = get_session()
        try:
            services.delete_saved(session, current_user.id, script_id)
        except NotFound:
            abort(404)
        session.commit()
        flash(_("The saved script is deleted."), "success")
    return redirect(url_for("scriptcheck.saved"))


@bp.route("/orgs/<org_slug>/script-rules", methods=["GET", "POST"])
@rule(TRAINERS)
def org_rules(org_slug: str):
    session = get_session()
    form = OrgRuleForm()
    if form.validate_on_submit():
        try:
            services.add_org_rule(session, g.org.id, current_user.id, form.kind.data, form.phrase.data,
                                  form.reason.data)
        except DomainError as exc:
            session.rollback()
            if not attach_error(form, exc.field, error_text(exc.message)):
                flash(error_text(exc.message), "error")
        else:
            session.commit()
            flash(_("The rule is added; it applies to your hosts' next checks."), "success")
            return redirect(url_for("scriptcheck.org_rules", org_slug=org_slug))
    rules_by_id = checker.default_checker().ruleset.by_id
    counts = [(rule_id, n, rules_by_id.get(rule_id)) for rule_id, n in services.top_findings(session, g.org.id)]
    return render_template("scriptcheck/org_rules.html", org=g.org, form=form, delete_form=ConfirmForm(),
                           rules=services.org_rules(session, g.org.id), counts=counts,
                           families={k: localized(v) for k, v in FAMILIES.items()})


@bp.post("/orgs/<org_slug>/script-rules/<int:rule_id>/delete")
@rule(TRAINERS)
def delete_org_rule(org_slug: str, rule_id: int):
    if ConfirmForm().validate_on_submit():
        session = get_session()
        try:
            services.delete_org_rule(session, g.org.id, rule_id)
        except NotFound:
            abort(404)
        session.commit()
        flash(_("The rule is deleted."), "success")
    return redirect(url_for("scriptcheck.org_rules", org_slug=org_slug))


def _api_error(status: int, detail: str):
    title = {400: "Bad request", 403: "Forbidden", 413: "Payload too large"}[status]
    return jsonify({"error": {"status": status, "title": title, "detail": detail}}), status


@bp.post("/api/v1/script/check")
@rule(PUBLIC)
@csrf.exempt
@limiter.limit("60 per minute")
def api_check():
    """Check a script sent as JSON ``{"text": ..., "category": ..., "org": ...}`` with the shipped rules, and for a
    logged-in member of agencies with their rules (all of them, or only ``org``); nothing is stored."""
    if (request.content_length or 0) > MAX_API_BYTES:
        return _api_error(413, f"the body is larger than {MAX_API_BYTES} bytes")
    try:  # bounded: a deeply nested body must be a 400, not a RecursionError
        body = parse_json(request.get_data() or b"null", max_bytes=MAX_API_BYTES, max_depth=API_JSON_DEPTH)
    except BadJSON as exc:
        return _api_error(400, f'the body must be JSON: {{"text": "...", "category": "general"}} ({exc})')
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return _api_error(400, 'the body must be a JSON object with a "text" string')
    category = body.get("category", "general")
    if category not in CATEGORIES:
        return _api_error(400, f"category must be one of {', '.join(CATEGORIES)}")
    org = body.get("org")
    if org is not None and not isinstance(org, str):
        return _api_error(400, '"org" must be the short name of an agency you belong to')
    text = body["text"]
    if len(text) > checker.MAX_CHARS:
        return _api_error(413, f"text has {len(text)} characters; at most {checker.MAX_CHARS} can be checked")
    session = get_session()
    user_id = current_user.id if current_user.is_authenticated else None
    try:
        agencies = services.entitled_agencies(session, user_id, org)
    except services.NotEntitled:
        return _api_error(403, "only a logged-in member of an agency gets its rules")
    report = services.check_with_agencies(session, text, category, agencies)
    return jsonify({**report_dict(report), "rules": {"shipped": True, "organisations": [a.name for a in agencies]}})

"""Organisation-admin pages for the study policy (the organisation's default and a cohort's override), and the
host's answers to presence checks."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from flask import Blueprint, Response, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.accounts.forms import ConfirmForm
from lms.accounts.models import User
from lms.bounds import BadJSON, parse_json, whole_number
from lms.bureau import audit_subsidy, processjob, required_policy
from lms.bureau import processjob_views as process_pages
from lms.cohorts import services as cohorts
from lms.db import get_session, utcnow
from lms.errors import Conflict, NotFound
from lms.evidence import identity, presence, services
from lms.jobs import services as jobs
from lms.evidence import identity_services as identities
from lms.evidence.forms import StudyPolicyForm
from lms.evidence.models import IdentityCheck, PresenceCheck
from lms.learning import services as learning
from lms.orgs.models import OrgKind, Role
from lms.security.access import LOGIN, org_roles, rule

bp = Blueprint("evidence", __name__)
ORG_ADMIN = org_roles(Role.ORG_ADMIN, kind=OrgKind.MCN)
#: A snapshot's JSON: the base64 of an image of at most identity.MAX_IMAGE_BYTES, and a little more.
IMAGE_JSON_BYTES = identity.MAX_IMAGE_BYTES * 4 // 3 + 1024


@bp.route("/orgs/<org_slug>/study-policy", methods=["GET", "POST"])
@rule(ORG_ADMIN)
def org_policy(org_slug: str):
    session = get_session()
    form = StudyPolicyForm()
    if form.validate_on_submit():
        services.save_policy(session, org_id=g.org.id, cohort_id=None, policy=form.policy(), by_user_id=current_user.id)
        session.commit()
        flash(_("Study policy saved. It applies to study from now on."), "success")
        return redirect(url_for("evidence.org_policy", org_slug=org_slug))
    governing = services.org_policy(session, g.org.id)
    if request.method == "GET":
        form.fill(governing.policy)
    return render_template(
        "evidence/policy.html", org=g.org, cohort=None, form=form, governing=governing,
        cohorts=cohorts.cohorts_of(session, g.org.id), reset_form=None,
    ), 400 if form.errors else 200  # fmt: skip


@bp.route("/orgs/<org_slug>/cohorts/<int:cohort_id>/study-policy", methods=["GET", "POST"])
@rule(ORG_ADMIN)
def cohort_policy(org_slug: str, cohort_id: int):
    session = get_session()
    cohort = cohorts.get_cohort(session, g.org.id, cohort_id)
    form = StudyPolicyForm()
    if form.validate_on_submit():
        services.save_policy(session, org_id=g.org.id, cohort_id=cohort.id, policy=form.policy(),
                             by_user_id=current_user.id)  # fmt: skip
        session.commit()
        flash(_("The cohort now has its own study policy."), "success")
        return redirect(url_for("evidence.cohort_policy", org_slug=org_slug, cohort_id=cohort.id))
    governing = services.cohort_policy(session, cohort)
    if request.method == "GET":
        form.fill(governing.policy)
    return render_template(
        "evidence/policy.html", org=g.org, cohort=cohort, form=form, governing=governing, cohorts=[],
        reset_form=ConfirmForm() if governing.scope == services.cohort_scope(cohort.id) else None,
        requirements=required_policy.requirements_of_cohort(session, cohort.id),
    ), 400 if form.errors else 200  # fmt: skip


@bp.get("/orgs/<org_slug>/cohorts/<int:cohort_id>/process.pdf")
@bp.get("/orgs/<org_slug>/cohorts/<int:cohort_id>/hosts/<int:user_id>/process.pdf")
@rule(ORG_ADMIN)
def cohort_process_pdf(org_slug: str, cohort_id: int, user_id: int | None = None):
    """The process record (培训过程记录) of the cohort's hosts, or of one, as a PDF with masked ID numbers."""
    session = get_session()
    cohort, views = processjob.org_views(session, g.org.id, cohort_id)
    views = [v for v in views if user_id is None or v.host.id == user_id]
    if user_id is not None and not views:
        raise NotFound(_("No process record of this host in the cohort."))
    if user_id is None and len(views) > processjob.DIRECT_HOSTS:
        job = processjob.queue_pdf(session, processjob.ORG_KIND, org_id=g.org.id, user_id=current_user.id,
                                   label=cohort.name[:200],
                                   args={"cohort": cohort.id, "locale": str(get_locale() or "zh_CN")})  # fmt: skip
        session.commit()  # the job reaches the queue with this commit
        return redirect(url_for("evidence.process_pdf_job", org_slug=org_slug, job_id=job.id))
    name = f"process-record-{cohort.id}" + (f"-{user_id}" if user_id is not None else "") + ".pdf"
    return process_pages.pdf_response(processjob.org_pdf(session, cohort, views), name)


def _process_pdf_urls(org_slug: str, job) -> dict:
    return {"download_url": url_for("evidence.process_pdf_download", org_slug=org_slug, job_id=job.id),
            "status_url": url_for("evidence.process_pdf_job_status", org_slug=org_slug, job_id=job.id),
            "page_url": url_for("evidence.process_pdf_job", org_slug=org_slug, job_id=job.id),
            "start_url": url_for("evidence.cohort_process_pdf", org_slug=org_slug, cohort_id=job.args["cohort"]),
            "back_url": url_for("cohorts.cohort", org_slug=org_slug, cohort_id=job.args["cohort"])}


@bp.get("/orgs/<org_slug>/process-pdfs/<int:job_id>")
@rule(ORG_ADMIN)
def process_pdf_job(org_slug: str, job_id: int):
    """A large cohort's process-record PDF (masked ID numbers) while a worker prepares it, then its download."""
    found = jobs.get_job(get_session(), g.org.id, job_id, processjob.ORG_KIND)
    return process_pages.page(found, org=g.org, title=_("Process record PDF · %(cohort)s", cohort=found.label),
                              **_process_pdf_urls(org_slug, found))  # fmt: skip


@bp.get("/orgs/<org_slug>/process-pdfs/<int:job_id>.json")
@rule(ORG_ADMIN)
def process_pdf_job_status(org_slug: str, job_id: int):
    found = jobs.get_job(get_session(), g.org.id, job_id, processjob.ORG_KIND)
    return process_pages.status_json(found, _process_pdf_urls(org_slug, found)["page_url"])


@bp.get("/orgs/<org_slug>/process-pdfs/<int:job_id>/process.pdf")
@rule(ORG_ADMIN)
def process_pdf_download(org_slug: str, job_id: int):
    found = jobs.get_job(get_session(), g.org.id, job_id, processjob.ORG_KIND)
    if not processjob.ready(found):
        return redirect(url_for("evidence.process_pdf_job", org_slug=org_slug, job_id=found.id))
    body = processjob.stored_pdf(current_app.extensions["lms.pii"], found)
    return process_pages.pdf_response(body, f"process-record-{found.args['cohort']}.pdf")


@bp.post("/orgs/<org_slug>/cohorts/<int:cohort_id>/study-policy/reset")
@rule(ORG_ADMIN)
def reset_cohort_policy(org_slug: str, cohort_id: int):
    session = get_session()
    cohort = cohorts.get_cohort(session, g.org.id, cohort_id)
    if ConfirmForm().validate_on_submit():
        services.remove_override(session, cohort.id)
        session.commit()
        flash(_("The cohort follows the organisation's study policy again."), "success")
    return redirect(url_for("evidence.cohort_policy", org_slug=org_slug, cohort_id=cohort.id))


def _minutes(seconds: int) -> int:
    return -(-seconds // 60)


def check_json(check: PresenceCheck, now: datetime) -> dict:
    """A presence check as the lesson page shows it: the prompt in the reader's language, never the answer."""
    params = check.prompt["params"]
    if check.kind == presence.TAP:
        text = _("Tap the number %(n)s.", n=params["n"])
    elif check.kind == presence.LESSON:
        text = _("A question from this lesson: %(q)s Tap the right answer.", q=params["q"])
    elif check.kind == presence.HEADING:
        text = _("Which of these headings is in the lesson you are reading? Tap it.")
    else:
        text = _("What is %(a)s + %(b)s? Type the number.", a=params["a"], b=params["b"])
    return {"id": check.id, "kind": check.kind, "text": text, "choices": check.prompt["choices"],
            "expires_in": max(0, int((check.expires_at - now).total_seconds())),
            "url": url_for("evidence.answer_check", check_id=check.id)}  # fmt: skip


def _missed_message(check: PresenceCheck) -> str:
    return _("A presence check was missed: credit stopped and %(m)d minute(s) since your last answered check are "
             "not counted. Answer the next check to continue.", m=_minutes(check.withdrawn_seconds))


def presence_json(gate: services.Gate, now: datetime) -> dict:
    return {
        "check": check_json(gate.check, now) if gate.check is not None else None,
        "stopped": gate.stopped,
        "message": _missed_message(gate.missed) if gate.missed is not None else None,
    }


@bp.post("/api/learning/presence/<int:check_id>")
@rule(LOGIN)
def answer_check(check_id: int):
    """The host answers a presence check; the server checks the answer and the time."""
    try:
        payload = parse_json(request.get_data(), max_bytes=256, max_depth=1)
    except BadJSON as exc:
        return jsonify({"error": {"status": 400, "detail": str(exc)}}), 400
    if not isinstance(payload, dict) or "answer" not in payload:
        return jsonify({"error": {"status": 400, "detail": "send {\"answer\": the number}"}}), 400
    session = get_session()
    check = session.get(PresenceCheck, check_id)
    if check is None or check.user_id != current_user.id:
        return jsonify({"error": {"status": 404, "detail": "no such presence check"}}), 404
    now = utcnow()
    policy = services.policy_for_lesson(session, current_user.id, check.lesson_id).policy
    try:
        services.answer_check(session, current_user.id, check_id, payload["answer"], policy, now)
    except Conflict:
        return jsonify({"error": {"status": 409, "detail": "this presence check is already closed"}}), 409
    session.commit()
    if check.outcome == presence.ANSWERED:
        message = _("Thank you: presence confirmed. Study time counts again.")
    elif check.outcome == presence.WRONG:
        message = _("That was not the right answer: credit stopped and %(m)d minute(s) since your last answered "
                    "check are not counted. Answer the next check to continue.", m=_minutes(check.withdrawn_seconds))
    else:
        message = _missed_message(check)
    return jsonify({"outcome": check.outcome, "withdrawn_seconds": check.withdrawn_seconds, "message": message})


@bp.route("/learning/face-consent", methods=["GET", "POST"])
@rule(LOGIN)
def face_consent():
    """The separate, explicit consent to camera snapshots for identity checks (PIPL arts. 26, 28–29)."""
    session = get_session()
    form = ConfirmForm()
    if form.validate_on_submit():
        if request.form.get("action") == "give":
            identities.give_face_consent(session, current_user.id, utcnow())
            flash(_("Thank you. Identity snapshots will be taken at the moments your programme asks for."), "success")
        else:
            deleted = identities.withdraw_face_consent(session, current_user.id, utcnow())
            flash(_("Consent withdrawn; %(n)d stored snapshot(s) deleted. You can go on studying.", n=deleted),
                  "success")  # fmt: skip
        session.commit()
        return redirect(url_for("evidence.face_consent"))
    return render_template("evidence/face_consent.html", form=form,
                           consent=identities.face_consent(session, current_user.id))  # fmt: skip


@bp.post("/api/learning/identity")
@rule(LOGIN)
def identity_check():
    """A camera snapshot for an identity check. Without the face-image consent nothing is stored."""
    try:
        payload = parse_json(request.get_data(), max_bytes=IMAGE_JSON_BYTES, max_depth=1)
    except BadJSON as exc:
        return jsonify({"error": {"status": 400, "detail": str(exc)}}), 400
    lesson_id = whole_number(payload.get("lesson"), low=1) if isinstance(payload, dict) else None
    moment = payload.get("moment") if isinstance(payload, dict) else None
    if lesson_id is None or moment not in (identity.AT_START, identity.AT_RANDOM):
        return jsonify({"error": {"status": 400, "detail": "send {\"lesson\": id, \"moment\": \"start\" or \"random\", "
                                                           "\"image\": a base64 JPEG}"}}), 400
    session = get_session()
    if learning.enrollment_for_lesson(session, current_user.id, lesson_id) is None:
        return jsonify({"error": {"status": 404, "detail": "no such lesson in your courses"}}), 404
    image = None
    if isinstance(payload.get("image"), str):
        try:
            image = base64.b64decode(payload["image"].split(",")[-1], validate=True)
        except (binascii.Error, ValueError):
            image = None
    check = identities.record_check(
        session, current_app.extensions["lms.pii"], identity.provider(current_app.config["LMS"].identity_provider),
        user_id=current_user.id, lesson_id=lesson_id, moment=moment, image=image, now=utcnow(),
    )  # fmt: skip
    session.commit()
    return jsonify({"status": check.status, "stored": check.image is not None})


def _not_host_flash(removed: int) -> None:
    flash(_("Marked as not the host: %(m)d minute(s) removed from the host's study time; their certificate on the "
            "course, if any, is flagged.", m=_minutes(removed)), "success")


def _snapshot_response(check):
    image = identities.snapshot_of(current_app.extensions["lms.pii"], check)
    if image is None:
        return jsonify({"error": {"status": 404, "detail": "no stored snapshot"}}), 404
    return Response(image, mimetype="image/jpeg", headers={"Cache-Control": "no-store"})


def _org_check(session, check_id: int):
    check = session.get(IdentityCheck, check_id)
    if check is None or check.user_id not in identities.org_host_ids(session, g.org.id):
        raise NotFound(_("No such identity check."))
    return check


@bp.get("/orgs/<org_slug>/identity-checks")
@rule(ORG_ADMIN)
def org_identity_checks(org_slug: str):
    """The organisation admin reviews the identity checks of the agency's hosts."""
    session = get_session()
    checks = identities.checks_of_users(session, identities.org_host_ids(session, g.org.id))
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_({c.user_id for c in checks})))}
    return render_template("evidence/identity_checks.html", org=g.org, checks=checks, users=users, form=ConfirmForm(),
                           identity_labels=identity.LABELS,
                           image_url=lambda c: url_for("evidence.org_snapshot", org_slug=org_slug, check_id=c.id),
                           review_url=lambda c: url_for("evidence.org_not_host", org_slug=org_slug, check_id=c.id))


@bp.get("/orgs/<org_slug>/identity-checks/<int:check_id>.jpg")
@rule(ORG_ADMIN)
def org_snapshot(org_slug: str, check_id: int):
    return _snapshot_response(_org_check(get_session(), check_id))


@bp.post("/orgs/<org_slug>/identity-checks/<int:check_id>/not-host")
@rule(ORG_ADMIN)
def org_not_host(org_slug: str, check_id: int):
    session = get_session()
    check = _org_check(session, check_id)
    if ConfirmForm().validate_on_submit():
        removed = identities.mark_not_host(session, check.id, current_user.id, utcnow())
        session.commit()
        _not_host_flash(removed)
    return redirect(url_for("evidence.org_identity_checks", org_slug=org_slug))


BUREAU = org_roles(Role.BUREAU_VERIFIER, Role.ORG_ADMIN, kind=OrgKind.BUREAU)


def _bureau_check(session, submission_id: int, check_id: int):
    """An identity check of a consenting host of a cohort submitted to this bureau."""
    submission = audit_subsidy.submission_for(session, g.org.id, submission_id)
    _board, hosts = audit_subsidy.audit_view(session, submission)
    check = session.get(IdentityCheck, check_id)
    if check is None or check.user_id not in {h.host.id for h in hosts if h.consented}:
        raise NotFound(_("No such identity check."))
    return check


@bp.get("/bureau/<org_slug>/cohorts/<int:submission_id>/identity/<int:check_id>.jpg")
@rule(BUREAU)
def bureau_snapshot(org_slug: str, submission_id: int, check_id: int):
    return _snapshot_response(_bureau_check(get_session(), submission_id, check_id))


@bp.post("/bureau/<org_slug>/cohorts/<int:submission_id>/identity/<int:check_id>/not-host")
@rule(BUREAU)
def bureau_not_host(org_slug: str, submission_id: int, check_id: int):
    session = get_session()
    check = _bureau_check(session, submission_id, check_id)
    if ConfirmForm().validate_on_submit():
        removed = identities.mark_not_host(session, check.id, current_user.id, utcnow())
        session.commit()
        _not_host_flash(removed)
    return redirect(url_for("bureau.submitted_cohort", org_slug=org_slug, submission_id=submission_id))

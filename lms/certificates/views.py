"""Certificates: the holder's list and PDF, public checking by number (page and API), and revocation."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask import session as http_session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from lms import cache, certnumbers
from lms.accounts import services as account_services
from lms.accounts.forms import ConfirmForm
from lms.catalogue.views import locale_code
from lms.certificates import pdfjob, services
from lms.certificates.models import certificate_topic
from lms.certificates.openapi import OPENAPI
from lms.db import get_session
from lms.errors import DomainError
from lms.extensions import limiter
from lms.learning import services as learning
from lms.learning.studytime import china_day
from lms.orgs.models import Role
from lms.security.access import LOGIN, PUBLIC, rule

bp = Blueprint("certificates", __name__)

NUMBER_PROBLEMS = {
    "length": lambda c, raw: _("A certificate number has 15 characters (three groups of five); this one has %(n)d.",
                               n=len(certnumbers.normalise(raw))),
    "characters": lambda c, raw: _("The character “%(char)s” is never used in certificate numbers (there is no 0, 1, "
                              "O, I, L, U or Z). Check what you typed.", char=c.character),
    "check_character": lambda c, raw: _("This number has a typing mistake: its check character does not match. "
                                   "Compare it with the certificate character by character."),
}  # fmt: skip


MAX_BADGE_UPLOAD = 5 * 1024 * 1024
CHECK_NAMES = {
    "format": _l("File"), "contexts": _l("Vocabulary (JSON-LD contexts)"), "signature": _l("Signature"),
    "issuer": _l("Issuer's key"), "validity": _l("Validity dates"), "status": _l("Revocation status"),
    "schema": _l("Structure (schema)"), "proof:eddsa-rdfc-2022": _l("Signature (eddsa-rdfc-2022)"),
    "proof:eddsa-jcs-2022": _l("Signature (eddsa-jcs-2022)"), "issuer_key": _l("Issuer's key"),
    "log_inclusion": _l("Transparency log"),
}  # fmt: skip


def _cfg():
    return current_app.config["LMS"]


@bp.get("/certificates/")
@rule(LOGIN)
def mine():
    session = get_session()
    waiting = []
    for enrollment in learning.enrollments_of(session, current_user.id):
        if services.certificate_for(session, enrollment.id) is None:
            services.try_issue(session, enrollment, _cfg())  # e.g. study time reached since the last lesson
        if services.certificate_for(session, enrollment.id) is None and enrollment.version.certificate:
            waiting.append((enrollment, services.completion(session, enrollment)))
    session.commit()
    from lms.certificates.textlayout import find_cjk_font_file  # ReportLab: loaded on first use

    return render_template(
        "certificates/mine.html", certificates=services.certificates_of(session, current_user.id),
        waiting=waiting, locale=locale_code(), fmt=certnumbers.format, china_day=china_day,
        share_picture=find_cjk_font_file() is not None,
    )  # fmt: skip


@bp.get("/certificates/<number>.pdf")
@rule(LOGIN)
def pdf(number: str):
    session = get_session()
    certificate = services.get_by_number(session, number)
    if certificate.user_id != current_user.id and not services.can_manage(session, current_user, certificate):
        return render_template("catalogue/not_found.html"), 404
    body = pdfjob.pdf_of(session, certificate)
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="certificate-{certnumbers.format(certificate.number)}.pdf"'})


@bp.get("/certificates/<number>.png")
@rule(LOGIN)
def picture(number: str):
    """A picture of the certificate to share (朋友圈): name, course, hours, date, number and the check QR code."""
    from lms.certificates.image import render_certificate_png  # Pillow and ReportLab: loaded on first use
    from lms.certificates.textlayout import find_cjk_font_file

    session = get_session()
    certificate = services.get_by_number(session, number)
    font = find_cjk_font_file()
    if certificate.user_id != current_user.id or certificate.status != "valid" or font is None:
        return render_template("catalogue/not_found.html"), 404
    body = render_certificate_png(pdfjob.record_of(certificate), pdfjob.verify_url(certificate.number), font)
    return Response(body, mimetype="image/png", headers={
        "Content-Disposition": f'inline; filename="certificate-{certnumbers.format(certificate.number)}.png"'})


@bp.get("/certificates/<number>.credential.json")
@rule(LOGIN)
def credential(number: str):
    """The holder's Open Badges 3.0 credential: checkable offline with `lms verify` or any OB 3.0 verifier."""
    session = get_session()
    certificate = services.get_by_number(session, number)
    if certificate.user_id != current_user.id or not certificate.credential:
        return render_template("catalogue/not_found.html"), 404
    return Response(certificate.credential, mimetype="application/ld+json", headers={
        "Content-Disposition": f'attachment; filename="certificate-{certnumbers.format(certificate.number)}.json"'})


@bp.get("/verify/")
@rule(PUBLIC)
def verify_form():
    number = (request.args.get("number") or "").strip()
    if number:
        return redirect(url_for("certificates.verify", number=number[:60]))
    return render_template("certificates/verify.html", verdict=None, number="")


@bp.route("/verify/badge", methods=["GET", "POST"])
@rule(PUBLIC)
@limiter.limit("30 per minute", methods=["POST"])
def verify_badge():
    """Any Open Badges 3.0 credential a host brings, from this site or another issuer: each check shown."""
    from lms.certificates.forms import BadgeCheckForm
    from lms.db import utcnow
    from lms.i18n import localized
    from lms.certificates import checking

    form, result, problem, status = BadgeCheckForm(), None, None, 200
    if form.validate_on_submit():
        limit = MAX_BADGE_UPLOAD + 1
        upload, did_upload = form.credential_file.data, form.did_file.data
        data = upload.read(limit) if upload else (form.credential_text.data or "").encode()
        did_text = did_upload.read(limit) if did_upload else form.did_text.data
        try:
            if not data.strip():
                problem = _("Choose a badge file or paste a credential.")
            else:
                result = checking.check_bytes(get_session(), _cfg(), data, did_text, now=utcnow())
        except checking.UnsupportedFormat as exc:
            problem = _("This file is not a credential that can be checked here (%(detail)s).",
                        detail=localized(exc.message))
        except checking.BadDidDocument as exc:
            problem = _("The DID document cannot be read (%(detail)s).", detail=localized(exc.message))
        status = 400 if problem else 200
    elif request.method == "POST":
        status = 400
    return render_template("certificates/verify_badge.html", form=form, result=result, problem=problem,
                           check_names=CHECK_NAMES), status  # fmt: skip


def _certificate_key(checked, kind: str) -> tuple[tuple[str, ...], str]:
    """Cache topics and name of one certificate's public answer: dropped when its row changes (revoke, re-issue,
    log entry) or when a bureau cosigns the log; per language (a revocation's label is translated)."""
    topics = (certificate_topic(checked.normalised), cache.WITNESS)
    return topics, f"verify:{kind}:{checked.normalised}:{get_locale()}"


def _sees_public_record_only() -> bool:
    """Anyone who may not manage a certificate and whose look-ups are not audited sees the same page: anonymous
    visitors, hosts, trainers. Site admins, organisation admins and bureau verifiers get it made for them."""
    if not current_user.is_authenticated:
        return True
    return not current_user.is_site_admin and all(
        m.role not in (Role.ORG_ADMIN, Role.BUREAU_VERIFIER) for m in current_user.memberships)


def _answer(key, found, make):
    """A certificate's cached public answer, or ``make(session)`` -> (certificate, answer) made and kept. The first
    reader after a change (a generation missing) starts the generations and reads again, so the answer it keeps
    cannot predate the change. An unknown number writes nothing to the cache."""
    session = get_session()
    certificate, answer = make(session)
    if certificate is not None and key is not None and found is not None:
        if found.generations is None:
            found = cache.started(key[0])
            session.expire_all()
            certificate, answer = make(session)
        if certificate is not None and answer[0] is not None:  # (a page with a real CSRF token: not kept)
            cache.keep(key[1], found, answer)
    return certificate, answer


@bp.get("/verify/<number>")
@rule(PUBLIC)
@limiter.limit("60 per minute")
def verify(number: str):
    number = number[:60]
    checked = certnumbers.check(number)
    shared = checked.ok and _sees_public_record_only()
    # A visitor at the number's own address gets the whole page kept (cache.visitor_page), others the verdict.
    whole = (shared and not current_user.is_authenticated and not request.query_string
             and "_flashes" not in http_session and number == certnumbers.format(checked.normalised))  # fmt: skip
    key = _certificate_key(checked, "whole" if whole else "verdict") if shared else None
    found = cache.look_up(*key) if key else None
    if found is not None and found.hit:
        return cache.visitor_answer(found.value) if whole else _page(number, found.value[1])

    def make(session):
        # Unknown and malformed numbers take the same way as before: never cached, so none crowd the cache out.
        checked, certificate = services.find(session, number)
        problem = NUMBER_PROBLEMS[checked.problem](checked, number) if not checked.ok else None
        record = services.public_record(session, certificate) if certificate else None
        can_manage = bool(certificate and not shared and services.can_manage(session, current_user, certificate))
        witnessed = services.witnesses_covering(session, certificate.log_index) if certificate else []
        verdict = render_template(
            "certificates/_verdict.html", checked=checked, problem=problem, certificate=certificate, record=record,
            locale=locale_code(), can_manage=can_manage, witnessed=witnessed)  # fmt: skip
        if whole and certificate is not None:
            return certificate, cache.marked(lambda extra: _page(number, verdict, **extra))
        return certificate, ("verdict", verdict)

    certificate, answer = _answer(key, found, make)
    _audit_bureau_lookup(get_session(), number, certificate)
    if certificate is None:
        return _page(number, answer[1]), 404
    return cache.visitor_answer(answer) if whole else _page(number, answer[1])


def _page(number: str, verdict: str, **extra) -> str:
    return render_template("certificates/verify.html", number=number, verdict=Markup(verdict), **extra)


def _audit_bureau_lookup(session, number: str, certificate) -> None:
    """A labor bureau's verifier looking a certificate up is recorded in that bureau's audit log."""
    if not current_user.is_authenticated:
        return
    from lms.bureau.services import audit
    from lms.orgs.models import OrgKind

    for membership in current_user.memberships:
        if membership.org.kind == OrgKind.BUREAU and membership.role in (Role.BUREAU_VERIFIER, Role.ORG_ADMIN):
            audit(session, org_id=membership.org_id, user_id=current_user.id, action="lookup", rows=1,
                  detail={"number": number[:60], "found": certificate is not None,
                          "status": certificate.status if certificate else None})  # fmt: skip
    session.commit()


@bp.get("/api/v1/certificates/<number>")
@rule(PUBLIC)
@limiter.limit("60 per minute")
def api_certificate(number: str):
    number = number[:60]
    checked = certnumbers.check(number)
    key = _certificate_key(checked, "api") if checked.ok else None
    found = cache.look_up(*key) if key else None
    if found is not None and found.hit:
        kept = found.value
    else:
        def make(session):
            _checked, certificate = services.find(session, number)
            if certificate is None:
                return None, None
            return certificate, cache.document(jsonify(services.public_record(session, certificate)).get_data())

        certificate, kept = _answer(key, found, make)
        if certificate is None:
            detail = "malformed certificate number: " + str(checked.problem) if not checked.ok else "unknown certificate number"
            return jsonify({"error": {"status": 404, "title": "Not found", "detail": detail}}), 404
    # no-cache: a client may keep the answer but asks each time (a 304 costs no database), so a revocation shows
    # at once. The revocation label follows the language (Accept-Language, or the choice in the cookie).
    return cache.document_response(kept, "application/json",
                                   {"Cache-Control": "no-cache", "Vary": "Accept-Language, Cookie"})  # fmt: skip


@bp.get("/api/openapi.json")
@rule(PUBLIC)
def openapi():
    return jsonify(OPENAPI)


@bp.route("/certificates/<number>/manage", methods=["GET", "POST"])
@rule(LOGIN)
def manage(number: str):
    """Revoke (with a reason) or re-issue: site admins and the organisation admins concerned."""
    session = get_session()
    certificate = services.get_by_number(session, number)
    if not services.can_manage(session, current_user, certificate):
        return render_template("errors/error.html", status=403, title=_("Not allowed"),
                               message=_("Your account is not allowed to open this page.")), 403
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        action = request.form.get("action")
        try:
            if action == "revoke":
                services.revoke(session, certificate, account_services.account(session, current_user),
                                request.form.get("reason", ""), _cfg(),
                                category=request.form.get("category", ""))
                pdfjob.queue_render(session, certificate)
                message = _("The certificate is revoked. Everyone who checks it now sees that.")
                target = certificate
            elif action == "reissue":
                by = account_services.account(session, current_user)
                target = services.reissue(session, certificate, by, _cfg())
                pdfjob.queue_render(session, target)
                message = _("Re-issued under a new number; the old one now shows as superseded.")
            else:
                raise DomainError(_("Choose what to do."))
        except DomainError as exc:
            session.rollback()
            flash(str(exc.message), "error")
            return redirect(url_for("certificates.manage", number=number))
        session.commit()
        flash(message, "success")
        return redirect(url_for("certificates.verify", number=certnumbers.format(target.number)))
    return render_template(
        "certificates/manage.html", certificate=certificate, form=form, fmt=certnumbers.format,
        record=services.public_record(session, certificate), revocation_labels=services.REVOCATION_LABELS,
        revocation_label=services.revocation_label,
    )  # fmt: skip

"""Account pages: register, log in and out, passwords, the real-name profile and the holder's data."""

from __future__ import annotations

import json
from functools import cache

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from lms.accounts import bp, realname, resetcode, services
from lms.accounts.identifiers import BadIdentifier, parse_identifier
from lms.accounts.forms import (
    ChangePasswordForm,
    ConfirmForm,
    ConfirmProvidedRealNameForm,
    ForgotPasswordForm,
    LoginForm,
    RealNameForm,
    RegisterForm,
    ResetCodeForm,
    ResetPasswordForm,
)
from lms.db import PlainRead, get_session
from lms.errors import DomainError
from lms.extensions import limiter, login_manager
from lms.i18n import select_locale
from lms.security.access import LOGIN, PUBLIC, rule
from lms.security.forms import attach_error
from lms.security.redirects import safe_next
from lms.security.passwords import is_unusable
from lms.sms.services import SmsNotSent


@login_manager.user_loader
def load_user(session_id: str):
    return services.load_viewer(get_session(), _viewer_statement(), session_id)


@cache
def _viewer_statement():
    from lms.accounts.models import User
    from lms.notifications.services import unread_count_of  # the header's badge, in the same statement

    return PlainRead(services.viewer_statement(unread_count_of(User.id)))


login_manager.login_view = "accounts.login"
login_manager.login_message = None


def _cfg():
    return current_app.config["LMS"]


def _cipher():
    return current_app.extensions["lms.pii"]


def _show(form, exc: DomainError) -> None:
    if not attach_error(form, exc.field, exc.message):
        flash(str(exc.message), "error")


@bp.route("/register", methods=["GET", "POST"])
@rule(PUBLIC)
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            user = services.register_user(
                session,
                display_name=form.display_name.data,
                login=form.login.data,
                password=form.password.data,
                locale=select_locale(),
            )
        except DomainError as exc:
            session.rollback()
            _show(form, exc)
        else:
            session.commit()
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("site.home"))
    return render_template("accounts/register.html", form=form), 200 if not form.errors else 400


def _after_login(user, default: str) -> str:
    """Where a host goes after logging in: first to confirm real-name data their organisation supplied (until
    then it cannot be printed on a certificate), else where they were going."""
    if user.real_name is not None and not user.real_name.confirmed:
        flash(_("Your organisation supplied your real-name information. Check it and confirm it: until you do, "
                "it cannot be printed on your certificates."), "info")  # fmt: skip
        return url_for("accounts.real_name")
    return default


@bp.route("/login", methods=["GET", "POST"])
@rule(PUBLIC)
@limiter.limit("10 per minute;60 per hour", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = LoginForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            user = services.authenticate(session, _cfg(), login=form.login.data, password=form.password.data,
                                         source=get_remote_address())  # fmt: skip
        except services.AuthenticationFailed as exc:
            session.commit()  # keep the failure count
            flash(str(exc.message), "error")
        else:
            session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_after_login(user, safe_next(request.args.get("next"), url_for("site.home"))))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


@bp.post("/logout")
@rule(PUBLIC)
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # Sessions are signed cookies: a copy of this one must not keep working after logging out, so every
            # session of the account (this and other devices) ends.
            services.end_sessions(get_session(), current_user.id)
            get_session().commit()
        logout_user()
        flash(_("You have logged out."), "success")
    return redirect(url_for("site.home"))


@bp.get("/")
@rule(LOGIN)
def account():
    session = get_session()
    user = services.account(session, current_user)
    consent = realname.current_consent(session, user)
    return render_template("accounts/account.html", user=user, consent=consent, confirm=ConfirmForm())


@bp.post("/notification-mails")
@rule(LOGIN)
def notification_mails():
    form = ConfirmForm()
    if form.validate_on_submit():
        session = get_session()
        on = request.form.get("mails") == "on"
        services.set_notification_mails(session, services.account(session, current_user), on)
        session.commit()
        flash(_("Notifications will also be mailed to you.") if on
              else _("Notifications will no longer be mailed to you; you still find them on the notifications page."),
              "success")  # fmt: skip
    return redirect(url_for("accounts.account"))


@bp.route("/password", methods=["GET", "POST"])
@rule(LOGIN)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        session = get_session()
        user = services.account(session, current_user)
        try:
            services.change_password(session, user, current=form.current_password.data,
                                     new=form.new_password.data)
        except DomainError as exc:
            session.rollback()
            _show(form, exc)
        else:
            session.commit()
            # The session version changed: renew this session only, with the account's new version.
            login_user(user)
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/password.html", form=form), 200 if not form.errors else 400


def _reset_mail(link: str, minutes: int) -> str:
    return _(
        "Someone asked to reset the password of your account.\n\n"
        "Open this link to choose a new password (valid for %(minutes)d minutes, usable once):\n%(link)s\n\n"
        "If it was not you, ignore this message: your password stays as it is.",
        minutes=minutes,
        link=link,
    )


def _sms_text(code: str, minutes: int) -> str:
    return _("Your password reset code is %(code)s (valid for %(minutes)d minutes). Never tell it to anyone.",
             code=code, minutes=minutes)  # fmt: skip


def _forgot_key() -> str:
    """Rate limit per account asked for (whether or not it exists), so one number cannot be flooded with SMS: the
    number or address as it is read (``+86 138…``, ``(138)…`` and full-width digits are one number), not as typed."""
    raw = request.form.get("login") or ""
    try:
        return "forgot:" + parse_identifier(raw).value
    except BadIdentifier:
        return "forgot:" + raw.strip().lower().replace(" ", "").replace("-", "")


@bp.route("/forgot", methods=["GET", "POST"])
@rule(PUBLIC)
@limiter.limit("5 per 15 minutes", methods=["POST"])
@limiter.limit("1 per minute;5 per day", methods=["POST"], key_func=_forgot_key)
def forgot_password():
    form = ForgotPasswordForm()
    sender = current_app.extensions["lms.sms"]
    if form.validate_on_submit():
        session = get_session()
        phone = resetcode.phone_of(form.login.data)
        if phone is not None:
            if sender is None:  # no SMS provider: say so, send nothing, claim nothing
                form.login.errors = [_("Codes by SMS are not available on this site yet. See below how to get help.")]
                return render_template("accounts/forgot.html", form=form, sms_ready=False), 400
            try:
                resetcode.send_reset_code(session, _cfg(), sender, phone=phone, text=_sms_text)
            except SmsNotSent:
                session.rollback()
                form.login.errors = [_("The SMS could not be sent just now. Try again in a few minutes, "
                                       "or ask your organisation's admin for a new first link.")]  # fmt: skip
                return render_template("accounts/forgot.html", form=form, sms_ready=True), 503
            session.commit()
            flask_session["reset_phone"] = phone
            flash(_("If an account exists for this number, a 6-digit code has been sent to it by SMS "
                    "(valid for %(minutes)d minutes).", minutes=_cfg().sms_code_minutes), "success")  # fmt: skip
            return redirect(url_for("accounts.reset_with_code"))
        services.request_password_reset(
            session,
            _cfg(),
            login=form.login.data,
            link_for=lambda token: _cfg().base_url.rstrip("/") + url_for("accounts.reset_password", token=token),
            subject=_("Reset your password"),
            body=_reset_mail,
        )
        session.commit()
        # Same answer whether or not the account exists.
        flash(_("If an account exists for this email, a reset link has been sent to it."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form, sms_ready=sender is not None), \
        200 if not form.errors else 400  # fmt: skip


@bp.route("/reset-code", methods=["GET", "POST"])
@rule(PUBLIC)
@limiter.limit("20 per 15 minutes", methods=["POST"])
def reset_with_code():
    form = ResetCodeForm()
    if request.method == "GET" and flask_session.get("reset_phone"):
        form.login.data = flask_session["reset_phone"]
    if form.validate_on_submit():
        session = get_session()
        try:
            user = resetcode.reset_with_code(
                session, _cfg(), login=form.login.data, code=form.code.data, new_password=form.password.data
            )
        except DomainError as exc:
            session.commit()  # keep the count of wrong tries
            _show(form, exc)
        else:
            session.commit()
            flask_session.pop("reset_phone", None)
            login_user(user)
            flash(_("Your password has been reset and you are logged in."), "success")
            return redirect(url_for("site.home"))
    return render_template("accounts/reset_code.html", form=form), 200 if not form.errors else 400


@bp.route("/reset/<token>", methods=["GET", "POST"])
@rule(PUBLIC)
@limiter.limit("20 per 15 minutes", methods=["POST"])
def reset_password(token: str):
    session = get_session()
    form = ResetPasswordForm()
    try:
        user = services.check_reset_token(session, token)
    except services.InvalidToken as exc:
        return render_template("accounts/reset_invalid.html", message=exc.message), 400
    # An imported host's first visit: the same single-use link, worded as setting up the account.
    first_time = is_unusable(user.password_hash)
    if form.validate_on_submit():
        try:
            services.reset_password(session, token=token, new_password=form.password.data)
        except DomainError as exc:
            session.rollback()
            _show(form, exc)
        else:
            session.commit()
            if first_time:  # an imported host: straight in, and on to the data their organisation supplied
                login_user(user)
                flash(_("Your password is set and you are logged in."), "success")
                return redirect(_after_login(user, url_for("site.home")))
            logout_user()
            flash(_("Your password has been reset. Log in with the new password."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, first_time=first_time, name=user.display_name), \
        200 if not form.errors else 400  # fmt: skip


def _account_key() -> str:
    """Rate-limit key of the logged-in account (its address when nobody is logged in: the rule refuses anyway)."""
    return f"account:{current_user.id}" if current_user.is_authenticated else get_remote_address()


#: Real-name saves: each one could test a 身份证号, so few per account and per address (docs/privacy.md).
REAL_NAME_LIMIT = "10 per hour;30 per day"


@bp.route("/real-name", methods=["GET", "POST"])
@rule(LOGIN)
@limiter.limit(REAL_NAME_LIMIT, methods=["POST"])
@limiter.limit(REAL_NAME_LIMIT, methods=["POST"], key_func=_account_key)
def real_name():
    form = RealNameForm()
    session = get_session()
    user = services.account(session, current_user)
    on_file = user.real_name
    if on_file is not None:
        # Changing only the name should not mean typing the number again.
        form.id_number.description = _("Leave empty to keep %(masked)s.", masked=on_file.id_number_masked)
    if request.method == "GET" and on_file is not None:
        form.legal_name.data = on_file.legal_name
    valid = form.validate_on_submit()
    typed = (form.id_number.data or "").strip()
    if request.method == "POST":  # every problem at once: the consent error does not hide the number's
        if not typed and on_file is None:
            form.id_number.errors = list(form.id_number.errors) + [_("This field is required.")]
        for name, problem in realname.real_name_problems(form.legal_name.data or "", typed or None, form.consent.data):
            if not form[name].errors:
                attach_error(form, name, problem)
        valid = valid and not any(f.errors for f in (form.legal_name, form.id_number, form.consent))
    if valid:
        number = typed or realname.decrypt_id_number(_cipher(), user)
        try:
            _save_real_name(session, user, number, form)
        except DomainError as exc:
            session.rollback()
            _show(form, exc)
        else:
            flash(_("Your real-name information has been saved."), "success")
            return redirect(url_for("accounts.account"))
    return _real_name_page(user, form)


def _save_real_name(session, user, number: str, form) -> None:
    """Save and commit. Another account saving the same number at the same moment wins the unique lookup hash:
    then save again, and the number goes to an identity review like any number already held (no error, no hint)."""
    for last_try in (False, True):
        try:
            realname.save_real_name(session, _cipher(), user, legal_name=form.legal_name.data,
                                    id_number=number, consent=form.consent.data)  # fmt: skip
            session.commit()
            return
        except IntegrityError:
            session.rollback()
            if last_try:
                raise


def _real_name_page(user, form, confirm_form=None):
    profile = user.real_name
    provided = profile if profile is not None and not profile.confirmed else None
    status = 200 if not (form.errors or (confirm_form and confirm_form.errors)) else 400
    return render_template(
        "accounts/real_name.html", form=form, consent_version=realname.CONSENT_VERSION, provided=provided,
        confirm_form=confirm_form or ConfirmProvidedRealNameForm(),
    ), status


@bp.post("/real-name/confirm")
@rule(LOGIN)
def confirm_real_name():
    """The holder confirms the real-name data their organisation provided (host import) and consents."""
    form = ConfirmProvidedRealNameForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.real_name"))
    session = get_session()
    user = services.account(session, current_user)
    try:
        realname.confirm_provided_real_name(session, user, consent=form.consent.data)
    except DomainError as exc:
        session.rollback()
        if exc.field is None:
            flash(str(exc.message), "error")
            return redirect(url_for("accounts.real_name"))
        attach_error(form, exc.field, exc.message)
        return _real_name_page(user, RealNameForm(formdata=None), form)
    session.commit()
    flash(_("Your real-name information is confirmed."), "success")
    return redirect(url_for("accounts.account"))


@bp.post("/real-name/delete")
@rule(LOGIN)
def delete_real_name():
    form = ConfirmForm()
    if form.validate_on_submit():
        session = get_session()
        realname.delete_real_name(session, services.account(session, current_user))
        session.commit()
        flash(_("Your real-name information has been deleted and your consent withdrawn."), "success")
    return redirect(url_for("accounts.account"))


@bp.get("/my-data.json")
@rule(LOGIN)
def my_data():
    from lms.privacy import export_person  # gathers from every feature, so it lives above them

    session = get_session()
    data = export_person(session, _cipher(), services.account(session, current_user),
                         current_app.config["LMS"].instruments_dir)  # fmt: skip
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
    )

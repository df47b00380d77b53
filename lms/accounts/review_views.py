"""The site admin's review of identity numbers saved by two accounts (lms.accounts.identity)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import identity, services
from lms.accounts.forms import ConfirmForm
from lms.bureau.services import site_audit_events
from lms.db import get_session
from lms.errors import DomainError
from lms.security.access import SITE_ADMIN, rule

bp = Blueprint("identity_reviews", __name__)


@bp.get("/admin/identity-reviews")
@rule(SITE_ADMIN)
def index():
    session = get_session()
    return render_template(
        "accounts/identity_reviews.html", pending=identity.pending_conflicts(session),
        settled=identity.recent_resolved(session), events=site_audit_events(session), form=ConfirmForm(),
    )  # fmt: skip


@bp.post("/admin/identity-reviews/<int:conflict_id>")
@rule(SITE_ADMIN)
def resolve(conflict_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            identity.resolve(session, conflict_id, keep=request.form.get("keep", ""),
                             by=services.account(session, current_user))
        except DomainError as exc:
            session.rollback()
            flash(str(exc.message), "error")
        else:
            session.commit()
            flash(_("Settled: the number now belongs to the account you kept; the other account's real-name "
                    "information was erased."), "success")  # fmt: skip
    return redirect(url_for("identity_reviews.index"))

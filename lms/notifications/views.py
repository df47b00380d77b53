"""The notifications page, opening and marking notifications, and the unread count for the header."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from lms.accounts.forms import ConfirmForm
from lms.db import get_session
from lms.learning.studytime import CHINA
from lms.notifications import services, texts
from lms.notifications.schedule import safe_path
from lms.security.access import LOGIN, rule

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_notifications():
    def count() -> int:
        """Called by the header only for a logged-in person: one indexed COUNT per page, however many places
        (the top bar and the phone's tab bar) show it."""
        if not current_user.is_authenticated:
            return 0
        if "unread_notifications" not in g:
            try:
                g.unread_notifications = services.unread_count(get_session(), current_user.id)
            except SQLAlchemyError:  # an error page for a database failure still renders, without the count
                g.unread_notifications = 0
        return g.unread_notifications

    return {"unread_notifications": count}


def _china_time(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


@bp.get("/notifications")
@rule(LOGIN)
def index():
    session = get_session()
    items = services.latest(session, current_user.id)
    return render_template(
        "notifications/index.html", items=items, total=services.count(session, current_user.id),
        unread=services.unread_count(session, current_user.id), text=texts.text, china_time=_china_time, form=ConfirmForm(),
        mails_on=services.wants_mail(current_user),
    )  # fmt: skip


@bp.get("/notifications/<int:notification_id>", endpoint="open")
@rule(LOGIN)
def open_notification(notification_id: int):
    """Following a notification's link marks it read, then goes where it points."""
    session = get_session()
    notification = services.mark_read(session, current_user.id, notification_id)
    session.commit()
    return redirect(request.script_root + safe_path(notification.link))


@bp.post("/notifications/<int:notification_id>/read")
@rule(LOGIN)
def mark_read(notification_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        session = get_session()
        services.mark_read(session, current_user.id, notification_id)
        session.commit()
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/read-all")
@rule(LOGIN)
def mark_all_read():
    form = ConfirmForm()
    if form.validate_on_submit():
        session = get_session()
        marked = services.mark_all_read(session, current_user.id)
        session.commit()
        flash(_("%(n)d notification(s) marked as read.", n=marked), "success")
    return redirect(url_for("notifications.index"))

"""The notifications page, opening and marking notifications, and the unread count for the header."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, g, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.exc import SQLAlchemyError

from lms.accounts import services as account_services
from lms.accounts.forms import ConfirmForm
from lms.db import get_session
from lms.learning.studytime import CHINA
from lms.notifications import services, texts
from lms.notifications.models import Notification
from lms.notifications.schedule import safe_path
from lms.security.access import LOGIN, rule

bp = Blueprint("notifications", __name__)


def unread_for_header(viewer) -> int:
    """The header's unread count: the viewer's, read with the account at the start of the request, unless this
    request may have changed it before rendering (a form posted back, or a notification created or marked read
    on the way): then counted again, so the badge never lags what the page says."""
    if request.method in ("GET", "HEAD") and not g.get(_CHANGED, False):
        return viewer.unread_notifications
    try:
        return services.unread_count(get_session(), viewer.id)
    except SQLAlchemyError:  # an error page for a database failure still renders, without the count
        return 0


_CHANGED = "lms_notifications_changed"


def _notifications_changed(*_args) -> None:
    if has_request_context():
        g.setdefault(_CHANGED, True)


def _bulk_change(state: ORMExecuteState) -> None:
    """``mark_all_read`` is one UPDATE statement: no row events for it."""
    if (state.is_update or state.is_delete) and state.bind_mapper is _NOTIFICATIONS:
        _notifications_changed()


_NOTIFICATIONS = inspect(Notification)
event.listen(Notification, "after_insert", _notifications_changed)
event.listen(Notification, "after_update", _notifications_changed)
event.listen(Session, "do_orm_execute", _bulk_change)


def _china_time(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


@bp.get("/notifications")
@rule(LOGIN)
def index():
    session = get_session()
    viewer = current_user._get_current_object()
    items = services.latest(session, viewer.id)
    return render_template(
        "notifications/index.html", items=items, total=services.count(session, viewer.id),
        unread=unread_for_header(viewer), text=texts.text, china_time=_china_time, form=ConfirmForm(),
        mails_on=services.wants_mail(account_services.account(session, viewer)),
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

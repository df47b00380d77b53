"""The development outbox page: lets a demo user read the reset and invitation links the site 'sent'."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from lms.db import get_session
from lms.mail import bp
from lms.mail.models import OutboxMessage
from lms.security.access import DEV_OUTBOX, rule


@bp.get("/dev/outbox")
@rule(DEV_OUTBOX)
def outbox():
    messages = get_session().scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(50)).all()
    return render_template("mail/outbox.html", messages=messages)

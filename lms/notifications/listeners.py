"""Notify when other features report an event (connected to lms.signals by create_app), and send the deadline
reminders every hour in the background workers (as cron's `lms notifications send-due` does)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from lms.certificates.models import Certificate
from lms.db import get_session
from lms.jobs.runner import periodic
from lms.notifications import services
from lms.quizzes.models import QuizAttempt
from lms.signals import attempt_submitted, certificate_issued


def _cfg():
    return current_app.config["LMS"]


def on_certificate_issued(session: Session, certificate: Certificate, **_kw) -> None:
    services.certificate_issued(session, _cfg(), certificate)


def on_attempt_submitted(session: Session, attempt: QuizAttempt, **_kw) -> None:
    services.attempt_submitted(session, _cfg(), attempt)


@periodic("lms.notifications.send_due", minute="5")
def send_due_hourly(app) -> None:
    with app.app_context():
        session = get_session()
        cfg = app.config["LMS"]
        services.send_due(session, cfg, days_before=cfg.deadline_notice_days)
        session.commit()


def connect() -> None:
    certificate_issued.connect(on_certificate_issued)
    attempt_submitted.connect(on_attempt_submitted)

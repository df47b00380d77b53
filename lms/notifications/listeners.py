"""Notify when other features report an event: connected to lms.signals by create_app."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from lms.certificates.models import Certificate
from lms.notifications import services
from lms.quizzes.models import QuizAttempt
from lms.signals import attempt_submitted, certificate_issued


def _cfg():
    return current_app.config["LMS"]


def on_certificate_issued(session: Session, certificate: Certificate, **_kw) -> None:
    services.certificate_issued(session, _cfg(), certificate)


def on_attempt_submitted(session: Session, attempt: QuizAttempt, **_kw) -> None:
    services.attempt_submitted(session, _cfg(), attempt)


def connect() -> None:
    certificate_issued.connect(on_certificate_issued)
    attempt_submitted.connect(on_attempt_submitted)

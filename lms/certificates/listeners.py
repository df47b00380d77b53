"""Issue certificates when progress is made: connected to lms.signals by create_app."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.certificates import pdfjob
from lms.certificates.models import Certificate
from lms.certificates.services import try_issue
from lms.learning.models import Enrollment
from lms.signals import certificate_issued, enrollment_progressed, real_name_saved


def _cfg():
    return current_app.config["LMS"]


def on_progress(session: Session, enrollment: Enrollment, **_kw) -> None:
    try_issue(session, enrollment, _cfg())


def on_real_name(session: Session, user_id: int, **_kw) -> None:
    # Certificates that waited only for the holder's legal name are issued now.
    for enrollment in session.scalars(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.lessons_completed_at.is_not(None))
    ):
        try_issue(session, enrollment, _cfg())


def on_issued(session: Session, certificate: Certificate, **_kw) -> None:
    pdfjob.queue_render(session, certificate)


def connect() -> None:
    enrollment_progressed.connect(on_progress)
    certificate_issued.connect(on_issued)
    real_name_saved.connect(on_real_name)

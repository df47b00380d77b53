"""Write the site's own audit events (real-name saves, identity reviews) to the audit log: connected to
lms.signals by create_app."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lms.bureau.models import AuditEvent
from lms.signals import site_audited


def on_site_audited(session: Session, action: str, user_id: int | None, detail: dict, **_kw) -> None:
    session.add(AuditEvent(org_id=None, user_id=user_id, action=action, rows=1, detail=detail))


def connect() -> None:
    site_audited.connect(on_site_audited)

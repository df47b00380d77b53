"""Sending mail: to the database outbox in development, over SMTP in production."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from sqlalchemy.orm import Session

from lms.config import Config
from lms.mail.models import OutboxMessage

log = logging.getLogger("lms.mail")


def send_message(session: Session, cfg: Config, recipient: str, subject: str, body: str) -> None:
    """Send (or, in development, store) one message. Bodies may hold secrets (reset links): never logged."""
    if cfg.mail_backend == "outbox":
        session.add(OutboxMessage(recipient=recipient, subject=subject, body=body))
        session.flush()
        log.info("message stored in the outbox (subject %r)", subject)
        return
    if "@" not in recipient:
        # No SMS gateway is configured: a phone-only account cannot receive messages in production.
        log.warning("no channel for a phone-only recipient; message not sent (subject %r)", subject)
        return
    message = EmailMessage()
    message["From"] = cfg.mail_sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=15) as smtp:
        if cfg.smtp_starttls:
            smtp.starttls()
        if cfg.smtp_user:
            smtp.login(cfg.smtp_user, cfg.smtp_password or "")
        smtp.send_message(message)
    log.info("message sent by SMTP (subject %r)", subject)

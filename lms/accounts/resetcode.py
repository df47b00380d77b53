"""Password reset for phone-number accounts: a 6-digit code by SMS instead of a link.

The code is short so it can be typed from the message; it is therefore stored only as a keyed hash, valid for a
few minutes, used once, void after a few wrong tries, and only the newest code of an account counts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.identifiers import BadIdentifier, parse_identifier
from lms.accounts.models import PasswordResetCode, User
from lms.accounts.services import _set_password, check_password_rules
from lms.config import Config
from lms.db import utcnow
from lms.errors import ValidationFailed
from lms.sms.services import SmsSender

CODE_DIGITS = 6


def _code_hash(secret: str, user_id: int, code: str) -> str:
    return hmac.new(secret.encode(), f"reset-code:{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def phone_of(login: str) -> str | None:
    """The normalised mobile number if ``login`` is one, else None (an email, or not a valid identifier)."""
    try:
        ident = parse_identifier(login)
    except BadIdentifier:
        return None
    return ident.value if ident.kind == "phone" else None


def _account(session: Session, phone: str) -> User | None:
    return session.scalar(select(User).where(User.phone == phone))


def send_reset_code(session: Session, cfg: Config, sender: SmsSender, *, phone: str, text) -> bool:
    """Send a new code to the account with this number, if there is one; earlier codes become void. Returns
    whether a message went out (False for an unknown number). :class:`lms.sms.services.SmsNotSent` propagates."""
    user = _account(session, phone)
    if user is None:
        return False
    now = utcnow()
    for earlier in session.scalars(
        select(PasswordResetCode).where(PasswordResetCode.user_id == user.id, PasswordResetCode.used_at.is_(None))
    ):
        earlier.used_at = now
    code = new_code()
    session.add(PasswordResetCode(user_id=user.id, code_hash=_code_hash(cfg.secret_key, user.id, code),
                                  expires_at=now + timedelta(minutes=cfg.sms_code_minutes)))  # fmt: skip
    session.flush()
    sender.send(session, phone, code, text(code, cfg.sms_code_minutes))
    return True


def reset_with_code(
    session: Session, cfg: Config, *, login: str, code: str, new_password: str, now: datetime | None = None
) -> User:
    """Set a new password if ``code`` is the newest, unexpired, unused code of the account; a wrong code counts
    as a try (the caller commits even on failure, to keep the count)."""
    now = now or utcnow()
    # One answer for every failure (unknown number, no code, expired, wrong, too many tries): a distinct "too many"
    # would tell anyone who types five wrong codes whether the number has an account.
    wrong = ValidationFailed(_l("The code is not correct, has expired or was typed wrong too many times. Check the "
                                "SMS, or ask for a new code."), "code")  # fmt: skip
    phone = phone_of(login)
    user = _account(session, phone) if phone is not None else None
    if user is None:
        raise wrong
    record = session.scalar(
        select(PasswordResetCode)
        .where(PasswordResetCode.user_id == user.id, PasswordResetCode.used_at.is_(None))
        .order_by(PasswordResetCode.id.desc())
    )
    if record is None or record.expires_at <= now or record.attempts >= cfg.sms_code_attempts:
        raise wrong
    given = "".join(ch for ch in code if ch.isdigit())
    if not hmac.compare_digest(record.code_hash, _code_hash(cfg.secret_key, user.id, given)):
        record.attempts += 1
        session.flush()
        raise wrong
    check_password_rules(new_password, identifier=user.login_name, field="password")
    record.used_at = now
    _set_password(session, user, new_password)
    return user

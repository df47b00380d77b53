"""Account operations: registration, login with back-off, passwords and their reset. Services only flush;
the caller (one request or CLI command) commits once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, bindparam, delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.identifiers import BadIdentifier, LoginIdentifier, parse_identifier
from lms.accounts.models import LoginLockout, PasswordResetToken, RealNameProfile, SignIn, User
from lms.accounts.viewer import Viewer, viewer_from_rows
from lms.config import Config
from lms.db import PlainRead, utcnow
from lms.errors import Conflict, DomainError, ValidationFailed
from lms.mail.services import send_message
from lms.security.passwords import hash_password, needs_rehash, verify_password
from lms.security.tokens import new_token, token_hash
from lms.bounds import whole_number

MIN_PASSWORD = 8
MAX_PASSWORD = 128


class AuthenticationFailed(DomainError):
    """Deliberately one message for every cause: unknown account, wrong password, locked account."""


class InvalidToken(DomainError):
    pass


def identifier_or_error(raw: str, field: str = "login") -> LoginIdentifier:
    try:
        return parse_identifier(raw)
    except BadIdentifier as exc:
        if str(exc) == "email":
            raise ValidationFailed(_l("This is not a valid email address."), field) from exc
        raise ValidationFailed(
            _l("Enter an email address or an 11-digit mainland mobile number (for example 13800138000)."), field
        ) from exc


def check_password_rules(password: str, *, identifier: str = "", field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(_l("The password must have at least %(n)d characters.", n=MIN_PASSWORD), field)
    if len(password) > MAX_PASSWORD:
        raise ValidationFailed(_l("The password must have at most %(n)d characters.", n=MAX_PASSWORD), field)
    if password.isdigit() and len(set(password)) <= 2 or identifier and password.lower() == identifier.lower():
        raise ValidationFailed(_l("This password is too easy to guess. Choose another."), field)


def find_user(session: Session, ident: LoginIdentifier) -> User | None:
    column = User.email if ident.kind == "email" else User.phone
    return session.scalar(select(User).where(column == ident.value))


def register_user(
    session: Session, *, display_name: str, login: str, password: str, locale: str | None = None
) -> User:
    ident = identifier_or_error(login)
    check_password_rules(password, identifier=ident.value)
    name = display_name.strip()
    if not name:
        raise ValidationFailed(_l("Enter the name other people will see."), "display_name")
    if find_user(session, ident) is not None:
        raise Conflict(_l("An account with this email or phone number already exists. Log in instead."), "login")
    user = User(
        display_name=name,
        email=ident.value if ident.kind == "email" else None,
        phone=ident.value if ident.kind == "phone" else None,
        password_hash=hash_password(password),
        locale=locale,
    )
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # a concurrent registration took the identifier first
        raise Conflict(
            _l("An account with this email or phone number already exists. Log in instead."), "login"
        ) from exc
    return user


def authenticate(
    session: Session, cfg: Config, *, login: str, password: str, source: str = "", now: datetime | None = None
) -> User:
    """Return the user, or raise AuthenticationFailed. Repeated failures from one source address lock the account
    for that address only, with growing back-off, and the owner is told by mail."""
    now = now or utcnow()
    try:
        ident = parse_identifier(login)
    except BadIdentifier:
        verify_password(None, password)  # same work as a real check: no timing difference
        raise AuthenticationFailed(_l("The account or password is not correct.")) from None
    user = find_user(session, ident)
    if user is None:
        verify_password(None, password)
        raise AuthenticationFailed(_l("The account or password is not correct."))
    source = source[:64]
    lockout = session.get(LoginLockout, (user.id, source))
    if lockout is not None and lockout.locked_until and lockout.locked_until > now:
        verify_password(None, password)
        raise AuthenticationFailed(_l("The account or password is not correct."))
    if not verify_password(user.password_hash, password):
        if lockout is None:
            lockout = LoginLockout(user_id=user.id, source=source, failures=0)
            session.add(lockout)
        lockout.failures += 1
        if lockout.failures >= cfg.login_lockout_failures:
            # Back-off doubles with each further failure, capped at a day.
            extra = lockout.failures - cfg.login_lockout_failures
            minutes = min(cfg.login_lockout_minutes * (2**extra), 24 * 60)
            lockout.locked_until = now + timedelta(minutes=minutes)
            _lock_notice(session, cfg, user, lockout)
        session.flush()
        raise AuthenticationFailed(_l("The account or password is not correct."))
    if lockout is not None:
        session.delete(lockout)
    user.last_login_at = now
    session.add(SignIn(user_id=user.id, at=now))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user


def _lock_notice(session: Session, cfg: Config, user: User, lockout: LoginLockout) -> None:
    """Tell the owner, in their language, that logging in from an address was paused (nothing about the rest)."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    until = lockout.locked_until.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    with force_locale(user.locale or cfg.default_locale):
        subject = _("Logging in to your account was paused")
        body = _(
            "Someone typed a wrong password for your account %(n)d times from the address %(source)s, so logging in "
            "from that address is paused until %(until)s (China time).\n\n"
            "Logging in from your own devices and addresses still works. If it was you and you forgot your "
            "password, use “Forgot your password?” on the login page. If it was not you, your password is still "
            "safe; choose a longer one if it is short.",
            n=lockout.failures, source=lockout.source or "?", until=until,
        )
    send_message(session, cfg, user.login_name, subject, body)


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise ValidationFailed(_l("The current password is not correct."), "current_password")
    check_password_rules(new, identifier=user.login_name, field="new_password")
    _set_password(session, user, new)


def _set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_version += 1  # every other session of this account is logged out
    session.execute(delete(LoginLockout).where(LoginLockout.user_id == user.id))  # a new password: a clean slate
    session.flush()


def request_password_reset(session: Session, cfg: Config, *, login: str, link_for, subject: str, body) -> None:
    """Send a single-use reset link if the account exists. Says nothing about whether it does."""
    try:
        ident = parse_identifier(login)
    except BadIdentifier:
        return
    user = find_user(session, ident)
    if user is None:
        return
    token = issue_reset_token(session, user.id, utcnow() + timedelta(minutes=cfg.password_reset_minutes))
    session.flush()
    send_message(session, cfg, user.login_name, subject, body(link_for(token), cfg.password_reset_minutes))


def issue_reset_token(session: Session, user_id: int, expires_at: datetime) -> str:
    """A single-use link token for choosing a password; only its hash is stored."""
    token, digest = new_token()
    session.add(PasswordResetToken(user_id=user_id, token_hash=digest, expires_at=expires_at))
    return token


def _valid_reset_token(session: Session, token: str, now: datetime) -> PasswordResetToken:
    record = session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token)))
    if record is None or record.used_at is not None:
        raise InvalidToken(_l("This reset link has already been used or is not valid. Ask for a new one."))
    if record.expires_at <= now:
        raise InvalidToken(_l("This reset link has expired. Ask for a new one."))
    return record


def check_reset_token(session: Session, token: str) -> User:
    """The account the link is for; raises :class:`InvalidToken` for a used, unknown or expired link."""
    record = _valid_reset_token(session, token, utcnow())
    user = session.get(User, record.user_id)
    assert user is not None  # the foreign key cascades
    return user


def reset_password(session: Session, *, token: str, new_password: str) -> User:
    now = utcnow()
    record = _valid_reset_token(session, token, now)
    user = session.get(User, record.user_id)
    assert user is not None  # the foreign key cascades
    check_password_rules(new_password, identifier=user.login_name, field="password")
    record.used_at = now
    # One reset link used means every other outstanding link for this account is void too.
    for other in session.scalars(
        select(PasswordResetToken).where(
            PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None)
        )
    ):
        other.used_at = now
    _set_password(session, user, new_password)
    return user


def viewer_statement(unread: ColumnElement[int]) -> Select:
    """Everything every page reads of the logged-in person, as plain columns in one statement: the account, whether
    a real-name profile exists, ``unread`` (a scalar subquery on ``User.id``, given by notifications, which sit
    above accounts) and each membership with its organisation (LEFT JOIN: one row without memberships). Build it
    once (building costs more than running it)."""
    from lms.orgs.models import Membership, Organisation  # orgs builds on accounts

    has_real_name = exists().where(RealNameProfile.user_id == User.id)
    return (
        select(User.id, User.session_version, User.display_name, User.is_site_admin, User.locale,
               has_real_name.label("has_real_name"), unread.label("unread"),
               Membership.org_id, Membership.role, Organisation.slug, Organisation.name, Organisation.kind)
        .select_from(User)
        .outerjoin(Membership, Membership.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == Membership.org_id)
        .where(User.id == bindparam("user_id"))
        .order_by(Membership.id)
    )  # fmt: skip


def load_viewer(session: Session, statement: PlainRead, session_id: str) -> Viewer | None:
    """Flask-Login's loader: ``id:version`` from the signed session; a stale version (password changed or logged
    out since) loads nobody. ``statement`` is :func:`viewer_statement`'s."""
    user_id, _, version = session_id.partition(":")
    user_number, version_number = whole_number(user_id), whole_number(version)
    if user_number is None or version_number is None:
        return None
    viewer = viewer_from_rows(statement.rows(session, {"user_id": user_number}))
    if viewer is None or viewer.session_version != version_number:
        return None
    return viewer


def account(session: Session, viewer: Viewer) -> User:
    """The logged-in person's ORM account, for the views that change it or show more than the viewer holds."""
    user = session.get(User, viewer.id)
    assert user is not None  # the viewer was read from this row at the start of the request
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """Log out every session of the account (signed cookies: a copy of one must not keep working)."""
    session.execute(update(User).where(User.id == user_id).values(session_version=User.session_version + 1))


def set_locale(session: Session, user_id: int, locale: str) -> None:
    session.execute(update(User).where(User.id == user_id).values(locale=locale))


def set_notification_mails(session: Session, user: User, on: bool) -> None:
    """Notification mails on or off; notifications in the app are kept either way."""
    user.notification_mails = on
    session.flush()

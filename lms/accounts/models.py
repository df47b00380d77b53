"""People: accounts, password reset tokens, the real-name profile and consent records."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, UTCDateTime, utcnow


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(64))
    #: Lower-cased; at least one of email and phone is set.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    #: Mainland mobile number, 11 digits, no country code.
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_site_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Chosen UI language ("zh_CN" or "en"), None to follow the browser.
    locale: Mapped[str | None] = mapped_column(String(8))
    #: Notifications also go by mail (to the email address, if any); the in-app list is kept either way.
    notification_mails: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Bumped on password change or reset: every older login session stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    real_name: Mapped["RealNameProfile | None"] = relationship(
        back_populates="user", cascade="all, delete-orphan", uselist=False
    )
    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821 - defined in lms.orgs
        "Membership", back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        # Flask-Login stores this in the signed session; the version part logs out old sessions.
        return f"{self.id}:{self.session_version}"

    @property
    def login_name(self) -> str:
        return self.email or self.phone or ""


class LoginLockout(Base):
    """Failed logins to one account from one source address, and the back-off they earned. Per account *and*
    source: someone typing a victim's login wrong from elsewhere never locks the victim out at their own address."""

    __tablename__ = "login_lockouts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: The client address as the application sees it (behind the proxy: the forwarded address).
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class PasswordResetToken(Base):
    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token sent by mail; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PasswordResetCode(Base):
    """A 6-digit code sent by SMS to a phone-number account: short-lived, single-use, a few tries only."""

    __tablename__ = "password_reset_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: HMAC-SHA256 of the code under the site's secret key (a bare hash of 6 digits would be guessed offline).
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Wrong codes tried against this one; at the configured limit it is void.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RealNameProfile(Base):
    """Legal name and 身份证号 for subsidy programmes; the number only encrypted, plus a keyed lookup hash."""

    __tablename__ = "real_name_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(64))
    #: AES-GCM ciphertext (see lms.security.pii), bound to this user id.
    id_number_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    #: HMAC of the normalised number: exact-match lookup (duplicates, bureau checks) without decrypting. None while
    #: the number is also claimed by another account and waits for a site admin (:class:`IdentityConflict`).
    id_number_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Birth-date digits hidden: safe to show and export.
    id_number_masked: Mapped[str] = mapped_column(String(18))
    #: Version of the notice the holder agreed to; "" while the data is only as an organisation provided it.
    consent_version: Mapped[str] = mapped_column(String(16))
    #: Set when an organisation supplied the data (host import) and the holder has not yet confirmed it: until
    #: then it is not used for certificates and not shared with any bureau.
    provided_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="real_name")
    provided_by: Mapped["Organisation | None"] = relationship("Organisation")  # noqa: F821 - defined in lms.orgs

    @property
    def confirmed(self) -> bool:
        """Entered or confirmed by the holder (not merely provided by an organisation)."""
        return self.provided_by_org_id is None


class ConsentRecord(Base):
    """An explicit, versioned consent (PIPL art. 14) and its withdrawal (art. 15); kept as history."""

    __tablename__ = "consent_records"
    __table_args__ = (UniqueConstraint("user_id", "purpose", "version", "granted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(16))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class IdentityConflict(Base):
    """A 身份证号 saved by an account while another account holds it. The save is accepted as if nothing were
    wrong (no response may tell anyone whose number it is); the claimant's profile keeps the number without its
    lookup hash, and the certificates of both accounts wait until a site admin keeps one owner."""

    __tablename__ = "identity_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: The account that saved the number last (its profile holds it, hash None, while pending).
    claimant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The account whose profile held the number at the time (None once that account is deleted).
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: "holder" (typed on the real-name page) or "import" (an organisation's host import).
    source: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    #: pending | kept_holder | kept_claimant | withdrawn (the claimant saved another number or deleted it)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    claimant: Mapped[User] = relationship(foreign_keys=[claimant_id])
    holder: Mapped[User | None] = relationship(foreign_keys=[holder_id])


class SignIn(Base):
    """Each successful sign-in: part of a host's process record (培训过程记录), docs/study-hours.md."""

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

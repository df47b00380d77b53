"""Organisations (MCN agencies and labor bureaus), memberships with a role, and invitations."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, LargeBinary, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.db import Base, UTCDateTime, utcnow


class OrgKind(str, enum.Enum):
    MCN = "mcn"
    BUREAU = "bureau"


class Role(str, enum.Enum):
    LEARNER = "learner"
    TRAINER = "trainer"
    ORG_ADMIN = "org_admin"
    BUREAU_VERIFIER = "bureau_verifier"


#: Which roles an organisation of each kind can hand out.
ROLES_BY_KIND: dict[OrgKind, tuple[Role, ...]] = {
    OrgKind.MCN: (Role.LEARNER, Role.TRAINER, Role.ORG_ADMIN),
    OrgKind.BUREAU: (Role.BUREAU_VERIFIER, Role.ORG_ADMIN),
}


def _enum(cls, name: str) -> Enum:
    # Stored as plain strings with a CHECK constraint: readable in SQL, same on SQLite and PostgreSQL.
    return Enum(cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=20)


class Organisation(Base):
    __tablename__ = "organisations"
    cache_topic = "witness"  # lms.cache: a certificate page names its witnessing bureaus

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[OrgKind] = mapped_column(_enum(OrgKind, "org_kind"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: An MCN's setting: its trainers may import hosts too (off: only its org admins).
    trainers_import_hosts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    memberships: Mapped[list["Membership"]] = relationship(back_populates="org", cascade="all, delete-orphan")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "membership_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    org: Mapped[Organisation] = relationship(back_populates="memberships")


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(_enum(Role, "invitation_role"))
    #: SHA-256 of the token in the mailed link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    org: Mapped[Organisation] = relationship()


class HostImport(Base):
    """A record of each confirmed host import: who imported how many hosts from which file, when, and which
    accounts it created."""

    __tablename__ = "host_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(200))
    created: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    admin: Mapped[User | None] = relationship()
    accounts: Mapped[list[HostImportAccount]] = relationship(
        back_populates="host_import", order_by="HostImportAccount.row", cascade="all, delete-orphan"
    )


class HostImportAccount(Base):
    """An account a host import created, with the file's row it came from."""

    __tablename__ = "host_import_accounts"

    import_id: Mapped[int] = mapped_column(ForeignKey("host_imports.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    row: Mapped[int] = mapped_column(Integer)

    host_import: Mapped[HostImport] = relationship(back_populates="accounts")
    user: Mapped[User] = relationship()


class FirstLink(Base):
    """The first set-password link of an imported host, kept (encrypted, bound to the organisation and the token)
    so that the hosts still to hand one over can be listed, printed or downloaded until it is used or runs out."""

    __tablename__ = "first_links"

    token_id: Mapped[int] = mapped_column(ForeignKey("password_reset_tokens.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("host_imports.id", ondelete="SET NULL"), index=True)
    link_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    #: True when the link also went out by mail (the host has an email address).
    mailed: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()

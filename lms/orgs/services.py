"""Organisations, memberships and invitations."""

from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.identifiers import BadIdentifier, parse_identifier
from lms.accounts.models import User
from lms.config import Config
from lms.db import utcnow
from lms.errors import Conflict, Forbidden, NotFound, ValidationFailed
from lms.mail.services import send_message
from lms.orgs.models import ROLES_BY_KIND, Invitation, Membership, Organisation, OrgKind, Role
from lms.security.tokens import new_token, token_hash

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")


def create_organisation(session: Session, *, name: str, slug: str, kind: str) -> Organisation:
    name = " ".join(name.split())
    if not 2 <= len(name) <= 120:
        raise ValidationFailed(_l("Enter the organisation's name (2 to 120 characters)."), "name")
    if not _SLUG.match(slug):
        raise ValidationFailed(
            _l("Use 3 to 40 lowercase letters, digits or hyphens, starting and ending with a letter or digit."),
            "slug",
        )
    try:
        org_kind = OrgKind(kind)
    except ValueError:
        raise ValidationFailed(_l("Choose the kind of organisation."), "kind") from None
    if session.scalar(select(Organisation).where(Organisation.slug == slug)):
        raise Conflict(_l("This short name is already taken."), "slug")
    org = Organisation(name=name, slug=slug, kind=org_kind)
    session.add(org)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(_l("This short name is already taken."), "slug") from exc
    return org


def _role_for(org: Organisation, role: str) -> Role:
    try:
        value = Role(role)
    except ValueError:
        raise ValidationFailed(_l("Choose a role."), "role") from None
    if value not in ROLES_BY_KIND[org.kind]:
        raise ValidationFailed(_l("This role does not exist in this kind of organisation."), "role")
    return value


def invite(
    session: Session,
    cfg: Config,
    *,
    org: Organisation,
    email: str,
    role: str,
    invited_by: User | None,
    link_for,
    subject: str,
    body,
) -> Invitation:
    """Create an invitation and mail its single-use link."""
    try:
        ident = parse_identifier(email)
    except BadIdentifier:
        raise ValidationFailed(_l("This is not a valid email address."), "email") from None
    if ident.kind != "email":
        raise ValidationFailed(_l("Invitations are sent by email: enter an email address."), "email")
    role_value = _role_for(org, role)
    existing_user = session.scalar(select(User).where(User.email == ident.value))
    if existing_user and session.scalar(
        select(Membership).where(Membership.org_id == org.id, Membership.user_id == existing_user.id)
    ):
        raise Conflict(_l("This person is already a member of the organisation."), "email")
    token, digest = new_token()
    invitation = Invitation(
        org_id=org.id,
        email=ident.value,
        role=role_value,
        token_hash=digest,
        invited_by_id=invited_by.id if invited_by else None,
        expires_at=utcnow() + timedelta(days=cfg.invitation_days),
    )
    session.add(invitation)
    session.flush()
    send_message(session, cfg, ident.value, subject, body(org, role_value, link_for(token), cfg.invitation_days))
    return invitation


def find_invitation(session: Session, token: str) -> Invitation:
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if invitation is None:
        raise NotFound(_l("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise Conflict(_l("This invitation has already been accepted."))
    if invitation.expires_at <= utcnow():
        raise Conflict(_l("This invitation has expired. Ask the organisation for a new one."))
    return invitation


def accept_invitation(session: Session, *, token: str, user: User) -> Membership:
    invitation = find_invitation(session, token)
    if user.email != invitation.email:
        raise Forbidden(
            _l("This invitation was sent to another email address. Log in with the account for that address.")
        )
    membership = session.scalar(
        select(Membership).where(Membership.org_id == invitation.org_id, Membership.user_id == user.id)
    )
    if membership is None:
        membership = Membership(org_id=invitation.org_id, user_id=user.id, role=invitation.role)
        session.add(membership)
    else:
        membership.role = invitation.role
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    session.flush()
    return membership


def add_member(session: Session, *, org: Organisation, user: User, role: Role) -> Membership:
    """Direct membership (CLI and demo data); the browser path is invitation and acceptance."""
    membership = session.scalar(
        select(Membership).where(Membership.org_id == org.id, Membership.user_id == user.id)
    )
    if membership is None:
        membership = Membership(org_id=org.id, user_id=user.id, role=_role_for(org, role.value))
        session.add(membership)
        session.flush()
    return membership


def members_of(session: Session, org: Organisation) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership).where(Membership.org_id == org.id).join(Membership.user).order_by(User.display_name)
        )
    )


def pending_invitations(session: Session, org: Organisation) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.org_id == org.id, Invitation.accepted_at.is_(None), Invitation.expires_at > utcnow())
            .order_by(Invitation.created_at.desc())
        )
    )


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.kind, Organisation.name)))


def set_trainers_import_hosts(session: Session, org: Organisation, allowed: bool) -> None:
    """The MCN's setting: may its trainers import hosts (and see the set-password links still to hand over)?"""
    if org.kind != OrgKind.MCN:
        raise ValidationFailed(_l("Only an MCN agency imports hosts."))
    org.trainers_import_hosts = allowed
    session.flush()

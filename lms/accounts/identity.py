"""Who owns a 身份证号, when two accounts save the same one (docs/privacy.md, "oracles" and "squatting").

No response may tell the person saving whether a number belongs to another account: that answer, repeated over the
few thousand plausible birth dates, recovers a stranger's full number. So a save of a number another account holds
is accepted like any other; the claimant's profile keeps the number without its lookup hash, an
:class:`IdentityConflict` waits for a site admin, and the certificates of both accounts wait until one owner is
kept. The first to save a number (a squatter, or an organisation's import) thereby never locks its real owner out.

Every real-name save and every review is written to the audit log (``audit_events`` with no organisation, through
the ``site_audited`` signal), with the
number only as a short prefix of its keyed hash, never in clear.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from lms.accounts.models import IdentityConflict, RealNameProfile, User
from lms.db import utcnow
from lms.errors import Conflict, NotFound, ValidationFailed
from lms.signals import real_name_saved, site_audited

PENDING = "pending"
KEPT_HOLDER = "kept_holder"
KEPT_CLAIMANT = "kept_claimant"
WITHDRAWN = "withdrawn"


def audit(session: Session, *, action: str, user_id: int | None, detail: dict) -> None:
    """A site-level audit event, written to the audit log without an organisation (no bureau's log shows it)."""
    site_audited.send(session, action=action, user_id=user_id, detail=detail)


def hash_ref(digest: str | None) -> str | None:
    """Enough of the keyed hash to tie audit events about the same number together; useless without the key."""
    return digest[:12] if digest else None


def holder_of(session: Session, digest: str) -> RealNameProfile | None:
    return session.scalar(select(RealNameProfile).where(RealNameProfile.id_number_hash == digest))


def claim(session: Session, profile: RealNameProfile, digest: str, *, source: str, org_id: int | None = None) -> bool:
    """Give ``profile`` (already filled in, not yet flushed with a hash) the number whose keyed hash is ``digest``.
    Returns True when another account holds it: the profile then keeps the number without its hash and a conflict
    waits for review. The caller says nothing different either way."""
    holder = holder_of(session, digest)
    earlier = list(session.scalars(select(IdentityConflict).where(
        IdentityConflict.claimant_id == profile.user_id, IdentityConflict.status == PENDING)))  # fmt: skip
    for conflict in earlier:
        if conflict.id_number_hash != digest:  # the account now claims another number: the earlier claim is moot
            _close(conflict, WITHDRAWN, None)
    if holder is None or holder.user_id == profile.user_id:
        profile.id_number_hash = digest
        return False
    profile.id_number_hash = None
    if not any(c.id_number_hash == digest for c in earlier):
        session.add(IdentityConflict(id_number_hash=digest, claimant_id=profile.user_id, holder_id=holder.user_id,
                                     source=source, org_id=org_id, status=PENDING))  # fmt: skip
    return True


def withdraw_claims(session: Session, user_id: int) -> None:
    """The account deleted its real-name profile: its pending claims end."""
    for conflict in session.scalars(select(IdentityConflict).where(
            IdentityConflict.claimant_id == user_id, IdentityConflict.status == PENDING)):  # fmt: skip
        _close(conflict, WITHDRAWN, None)


#: Where an account's real-name data stands for certificates (:func:`real_name_state`).
MISSING = "missing"  # nothing saved (or nothing usable left): the holder fills in the form
UNCONFIRMED = "unconfirmed"  # an organisation provided it: the holder confirms it
IN_REVIEW = "in_review"  # an identity review involving this account waits for a site admin
SETTLED = "settled"  # usable


def real_name_state(session: Session, user: User) -> str:
    """Where the account's real-name data stands. ``IN_REVIEW`` says nothing of which side of a review the account
    is on (it claimed a number, or its own number was claimed): the caller shows one wording for both."""
    profile = user.real_name
    if profile is None:
        return MISSING
    if not profile.confirmed:
        return UNCONFIRMED
    in_review = session.scalar(select(exists().where(
        IdentityConflict.status == PENDING,
        (IdentityConflict.holder_id == user.id) | (IdentityConflict.claimant_id == user.id))))  # fmt: skip
    if in_review:
        return IN_REVIEW
    return SETTLED if profile.id_number_hash is not None else MISSING


def is_settled(session: Session, user: User) -> bool:
    """The account's real-name data may be used (certificates): confirmed by the holder, the number its own, and
    no claim on it waiting for review."""
    return real_name_state(session, user) == SETTLED


def pending_conflicts(session: Session) -> list[IdentityConflict]:
    return list(session.scalars(select(IdentityConflict).where(IdentityConflict.status == PENDING)
                                .order_by(IdentityConflict.created_at, IdentityConflict.id)))  # fmt: skip


def recent_resolved(session: Session, limit: int = 50) -> list[IdentityConflict]:
    return list(session.scalars(select(IdentityConflict).where(IdentityConflict.status != PENDING)
                                .order_by(IdentityConflict.id.desc()).limit(limit)))  # fmt: skip


def resolve(session: Session, conflict_id: int, *, keep: str, by: User) -> IdentityConflict:
    """A site admin keeps one owner: ``keep`` is "holder" (the claim is rejected: the claimant's real-name data is
    erased) or "claimant" (the holder's real-name data is erased and the claimant's number takes effect). Both
    accounts keep working either way."""
    conflict = session.get(IdentityConflict, conflict_id)
    if conflict is None:
        raise NotFound(_l("There is no such identity review."))
    if conflict.status != PENDING:
        raise Conflict(_l("This review has already been settled."))
    if keep not in ("holder", "claimant"):
        raise ValidationFailed(_l("Choose which account keeps the number."))
    claimant_profile = session.get(RealNameProfile, conflict.claimant_id)
    if keep == "holder":
        if claimant_profile is not None:
            session.delete(claimant_profile)
        _close(conflict, KEPT_HOLDER, by)
        winner_id = conflict.holder_id
    else:
        holder_profile = holder_of(session, conflict.id_number_hash)
        if holder_profile is not None:
            session.delete(holder_profile)
            session.flush()  # the hash is free before the claimant takes it
        if claimant_profile is not None:
            claimant_profile.id_number_hash = conflict.id_number_hash
        _close(conflict, KEPT_CLAIMANT, by)
        winner_id = conflict.claimant_id
        # Other claims on the same number are now claims against the kept owner.
        for other in session.scalars(select(IdentityConflict).where(
                IdentityConflict.id_number_hash == conflict.id_number_hash, IdentityConflict.status == PENDING,
                IdentityConflict.id != conflict.id)):  # fmt: skip
            other.holder_id = conflict.claimant_id
    audit(session, action="identity_review", user_id=by.id,
          detail={"conflict": conflict.id, "kept": keep, "claimant": conflict.claimant_id,
                  "holder": conflict.holder_id, "number": hash_ref(conflict.id_number_hash)})  # fmt: skip
    session.flush()
    if winner_id is not None:
        real_name_saved.send(session, user_id=winner_id)  # its certificates may be issued now
    return conflict


def _close(conflict: IdentityConflict, status: str, by: User | None) -> None:
    conflict.status = status
    conflict.resolved_at = utcnow()
    conflict.resolved_by_id = by.id if by is not None else None

"""The real-name profile (实名信息) for subsidy programmes, and the holder's rights over it under PIPL.

The 身份证号 is checked (GB 11643), stored only encrypted plus a keyed lookup hash, and shown masked. Consent is
explicit and versioned; the holder can see, download and delete what is stored.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts import idcard, identity
from lms.accounts.models import ConsentRecord, RealNameProfile, User
from lms.db import utcnow
from lms.errors import Conflict, ValidationFailed
from lms.security.pii import PIICipher
from lms.signals import real_name_saved

#: Bump when the privacy notice text changes; consent is asked again.
CONSENT_PURPOSE = "real_name"
CONSENT_VERSION = "2026-11.2"

ID_PROBLEMS = {
    "length": _l("An identity card number has 18 characters."),
    "characters": _l("Use digits only, with X allowed as the last character."),
    "region": _l("The first six digits are not a valid region code."),
    "birth_date": _l("Digits 7 to 14 must be a real birth date (YYYYMMDD)."),
    "future": _l("The birth date in this number is in the future."),
    "check_digit": _l("The last character does not match the others: a digit is probably mistyped."),
}


def _context(user_id: int) -> str:
    return f"real_name:id_number:user:{user_id}"


def real_name_problems(legal_name: str, id_number: str | None, consent: bool) -> list[tuple[str, object]]:
    """Every problem of a real-name form at once, as (field, message); ``id_number`` None: the number on file is
    kept and not checked again."""
    found: list[tuple[str, object]] = []
    if not consent:
        found.append(("consent", _l("Please read and agree to the notice before saving.")))
    name = "".join(legal_name.split()) if _is_cjk(legal_name) else " ".join(legal_name.split())
    if not 2 <= len(name) <= 40:
        found.append(("legal_name", _l("Enter your legal name as on your identity card.")))
    problem = idcard.validate(idcard.normalise(id_number)) if id_number is not None else None
    if problem is not None:
        found.append(("id_number", ID_PROBLEMS[problem.code]))
    return found


def save_real_name(
    session: Session, cipher: PIICipher, user: User, *, legal_name: str, id_number: str, consent: bool
) -> RealNameProfile:
    found = real_name_problems(legal_name, id_number, consent)
    if found:
        field, message = found[0]
        raise ValidationFailed(message, field)
    name = "".join(legal_name.split()) if _is_cjk(legal_name) else " ".join(legal_name.split())
    number = idcard.normalise(id_number)
    digest = cipher.lookup_hash(number)
    profile = user.real_name or RealNameProfile(user_id=user.id)
    profile.legal_name = name
    profile.id_number_ciphertext = cipher.encrypt(number, context=_context(user.id))
    profile.id_number_masked = idcard.mask(number)
    # A number another account holds is accepted all the same and waits for a site admin: the answer must not
    # tell anyone whose number it is (identity.py).
    contested = identity.claim(session, profile, digest, source="holder")
    profile.consent_version = CONSENT_VERSION
    profile.provided_by_org_id = None  # entered by the holder: whatever an organisation provided is replaced
    if user.real_name is None:
        session.add(profile)
        user.real_name = profile
    if current_consent(session, user) is None:
        session.add(ConsentRecord(user_id=user.id, purpose=CONSENT_PURPOSE, version=CONSENT_VERSION))
    session.flush()
    identity.audit(session, action="real_name_saved", user_id=user.id,
                   detail={"number": identity.hash_ref(digest), "review": contested})
    real_name_saved.send(session, user_id=user.id)
    return profile


def store_provided_real_name(
    session: Session, cipher: PIICipher, user: User, *, org_id: int, legal_name: str, id_number: str
) -> RealNameProfile:
    """Keep a legal name and 身份证号 that an organisation supplied for its host (bulk import), encrypted as the
    holder's own would be. The host has not consented on this site: no consent is recorded, so the data is not
    used for certificates nor shared with a bureau until the host confirms it (:func:`confirm_provided_real_name`)
    or replaces it. The caller has validated the number. One another account holds is kept all the same and waits
    for a site admin, exactly like a holder's own save (identity.py): the import says nothing about it."""
    number = idcard.normalise(id_number)
    profile = RealNameProfile(
        user_id=user.id,
        legal_name=legal_name,
        id_number_ciphertext=cipher.encrypt(number, context=_context(user.id)),
        id_number_masked=idcard.mask(number),
        consent_version="",
        provided_by_org_id=org_id,
    )
    digest = cipher.lookup_hash(number)
    contested = identity.claim(session, profile, digest, source="import", org_id=org_id)
    session.add(profile)
    user.real_name = profile
    identity.audit(session, action="real_name_provided", user_id=user.id,
                   detail={"org": org_id, "number": identity.hash_ref(digest), "review": contested})
    return profile


def confirm_provided_real_name(session: Session, user: User, *, consent: bool) -> RealNameProfile:
    """The holder confirms the data an organisation provided and agrees to the notice."""
    profile = user.real_name
    if profile is None or profile.confirmed:
        raise Conflict(_l("There is no real-name information waiting for your confirmation."))
    if not consent:
        raise ValidationFailed(_l("Please read and agree to the notice before saving."), "consent")
    profile.provided_by_org_id = None
    profile.consent_version = CONSENT_VERSION
    if current_consent(session, user) is None:
        session.add(ConsentRecord(user_id=user.id, purpose=CONSENT_PURPOSE, version=CONSENT_VERSION))
    session.flush()
    identity.audit(session, action="real_name_confirmed", user_id=user.id,
                   detail={"number": identity.hash_ref(profile.id_number_hash), "review": profile.id_number_hash is None})
    real_name_saved.send(session, user_id=user.id)
    return profile


def current_consent(session: Session, user: User) -> ConsentRecord | None:
    return session.scalar(
        select(ConsentRecord).where(
            ConsentRecord.user_id == user.id,
            ConsentRecord.purpose == CONSENT_PURPOSE,
            ConsentRecord.version == CONSENT_VERSION,
            ConsentRecord.withdrawn_at.is_(None),
        )
    )


def delete_real_name(session: Session, user: User) -> None:
    """Erase the profile and withdraw consent; the consent history stays as proof of what was agreed."""
    if user.real_name is not None:
        session.delete(user.real_name)
        user.real_name = None
    identity.withdraw_claims(session, user.id)
    identity.audit(session, action="real_name_deleted", user_id=user.id, detail={})
    for record in session.scalars(
        select(ConsentRecord).where(
            ConsentRecord.user_id == user.id,
            ConsentRecord.purpose == CONSENT_PURPOSE,
            ConsentRecord.withdrawn_at.is_(None),
        )
    ):
        record.withdrawn_at = utcnow()
    session.flush()


def personal_data_export(session: Session, cipher: PIICipher, user: User) -> dict:
    """Everything stored about the holder, for the holder only: the one place the full number is shown."""
    profile = user.real_name
    consents = session.scalars(
        select(ConsentRecord).where(ConsentRecord.user_id == user.id).order_by(ConsentRecord.id)
    ).all()
    return {
        "account": {
            "display_name": user.display_name,
            "email": user.email,
            "phone": user.phone,
            "locale": user.locale,
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        },
        "real_name": None
        if profile is None
        else {
            "legal_name": profile.legal_name,
            "id_number": decrypt_id_number(cipher, user),
            "updated_at": profile.updated_at.isoformat(),
        },
        "memberships": [
            {"organisation": m.org.name, "role": m.role.value, "since": m.created_at.isoformat()}
            for m in user.memberships
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "version": c.version,
                "granted_at": c.granted_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in consents
        ],
    }


def decrypt_id_number(cipher: PIICipher, user: User) -> str:
    """The full number, for its owner (export, keeping it when only the name changes) and the audited bureau roster."""
    assert user.real_name is not None
    return cipher.decrypt(user.real_name.id_number_ciphertext, context=_context(user.id))


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)

"""Bulk import of an MCN's hosts: preview a parsed file against the accounts that exist, carry the good rows to
the confirm step in a sealed payload, then create them all or nothing.

The payload never lives on the server: the preview page holds it in a hidden field. It is JSON, compressed,
encrypted with the PII cipher (AES-GCM bound to the organisation and the admin) because it holds 身份证号, and
signed with a time limit (itsdangerous, the app secret), so it cannot be read, altered or replayed much later.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.models import PasswordResetToken, User
from lms.accounts.realname import ID_PROBLEMS, store_provided_real_name
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort
from lms.config import Config
from lms.db import utcnow
from lms.errors import Conflict, DomainError, NotFound, ValidationFailed
from lms.mail.services import send_message
from lms.orgs import firstlinks
from lms.orgs.hostfile import HostFile, HostRow, RowProblem, read_hosts
from lms.orgs.models import HostImport, HostImportAccount, Membership, Organisation, Role
from lms.security.passwords import is_unusable, unusable_password
from lms.security.pii import PIICipher, PIIDecryptError

SALT = "lms.orgs.host-import.v1"
PAYLOAD_MINUTES = 30
SET_PASSWORD_DAYS = 7

PROBLEM_MESSAGES = {
    "missing": _l("The name is empty."),
    "too_long": _l("The name is longer than %(max)s characters."),
    "bad_characters": _l("It holds invisible direction marks or control characters; type it again."),
    "bad_phone": _l("“%(value)s” is not an 11-digit mainland mobile number."),
    "bad_email": _l("“%(value)s” is not a valid email address."),
    "no_contact": _l("Give a mobile number or an email address: the host logs in with it."),
    "id_excel": _l("Excel stored the ID number as a number and lost digits; format the column as text."),
    "legal_name_without_id": _l("A legal name needs the ID number too."),
    "id_without_legal_name": _l("An ID number needs the legal name too."),
    "legal_name_length": _l("The legal name must have %(min)s to %(max)s characters."),
    "duplicate": _l("Same as row %(row)s of this file."),
    # One answer whether the account is this organisation's member or anyone else's: nothing about another
    # organisation's people shows through an import.
    "in_use": _l("%(login)s is already in use, so no new account is made for it. If this host is not yet in your "
                 "organisation, send them an invitation from the organisation page."),
} | {f"id_{code}": message for code, message in ID_PROBLEMS.items()}

FIELD_LABELS = {
    "name": _l("Name"),
    "phone": _l("Mobile number"),
    "email": _l("Email"),
    "legal_name": _l("Legal name"),
    "id_number": _l("ID number"),
    "account": _l("Account"),
}


class PayloadInvalid(DomainError):
    pass


class ImportConflict(Conflict):
    """Some rows can no longer be created (accounts made since the preview): nothing was written."""

    def __init__(self, rows: list[HostRow]) -> None:
        super().__init__(_l("Some hosts can no longer be created, so nothing was imported."))
        self.rows = rows


def problem_message(problem: RowProblem) -> str:
    message = str(PROBLEM_MESSAGES[problem.code])
    return message % problem.params if problem.params else message


# --- preview ------------------------------------------------------------------------------------------------


def preview(session: Session, org_id: int, data: bytes, filename: str) -> HostFile:
    """Parse the upload and mark the rows whose account already exists. Writes nothing;
    raises :class:`lms.orgs.hostfile.HostFileError` for a file that cannot be used at all."""
    parsed = read_hosts(data, filename)
    check_accounts(session, parsed.good)
    return parsed


def check_accounts(session: Session, rows: list[HostRow]) -> None:
    """Add a problem to each row whose phone or email is an existing account."""
    phones = [r.phone for r in rows if r.phone]
    emails = [r.email for r in rows if r.email]
    found: set[tuple[str, str]] = set()
    for column, values in (("phone", phones), ("email", emails)):
        attribute = User.phone if column == "phone" else User.email
        for start in range(0, len(values), 500):
            taken = session.scalars(select(attribute).where(attribute.in_(values[start:start + 500])))
            found |= {(column, value) for value in taken}
    # An ID number another account holds is not a problem of the row: saying so would tell the admin whose number
    # it is. It is stored all the same and waits for a site admin's review (lms.accounts.identity).
    for row in rows:
        for column, value in (("phone", row.phone), ("email", row.email)):
            if (column, value or "") in found:
                row.problems.append(RowProblem("account", "in_use", {"login": value}))


# --- the sealed payload -------------------------------------------------------------------------------------


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def _context(org_id: int, admin_id: int) -> str:
    return f"host_import:org:{org_id}:admin:{admin_id}"


def seal(secret_key: str, cipher: PIICipher, *, org_id: int, admin_id: int, cohort_id: int | None,
         rows: list[HostRow], skipped: list[HostRow], filename: str = "") -> str:  # fmt: skip
    """``rows`` to create; ``skipped`` travel as row number, name and problems only, for the result page."""
    body = json.dumps(
        {"org": org_id, "cohort": cohort_id, "file": filename[:200],
         "rows": [[r.row, r.name, r.phone, r.email, r.legal_name, r.id_number] for r in rows],
         "skipped": [[r.row, r.name, [[p.field, p.code, p.params] for p in r.problems]] for r in skipped]},
        ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip
    packed = base64.b64encode(zlib.compress(body.encode("utf-8"), 9)).decode("ascii")
    sealed = cipher.encrypt(packed, context=_context(org_id, admin_id))
    return _serializer(secret_key).dumps(base64.urlsafe_b64encode(sealed).decode("ascii"))


@dataclass
class Unsealed:
    cohort_id: int | None
    rows: list[HostRow]
    skipped: list[HostRow]
    filename: str = ""


def unseal(secret_key: str, cipher: PIICipher, token: str, *, org_id: int, admin_id: int,
           max_age: int | None = None) -> Unsealed:  # fmt: skip
    try:
        sealed = _serializer(secret_key).loads(token, max_age=PAYLOAD_MINUTES * 60 if max_age is None else max_age)
    except SignatureExpired as exc:
        raise PayloadInvalid(_l("This preview is more than %(n)d minutes old. Upload the file again.",
                                n=PAYLOAD_MINUTES)) from exc  # fmt: skip
    except BadSignature as exc:
        raise PayloadInvalid(_l("The import data was altered or is incomplete. Upload the file again.")) from exc
    try:
        packed = cipher.decrypt(base64.urlsafe_b64decode(sealed), context=_context(org_id, admin_id))
        data = json.loads(zlib.decompress(base64.b64decode(packed)))
    except (PIIDecryptError, ValueError, TypeError, zlib.error) as exc:
        # Signed by this site but for another organisation or admin: refuse just the same.
        raise PayloadInvalid(_l("The import data was altered or is incomplete. Upload the file again.")) from exc
    rows = [HostRow(row, name, phone, email, legal, number) for row, name, phone, email, legal, number in data["rows"]]
    skipped = [HostRow(row, name, None, None, None, None, [RowProblem(*p) for p in problems])
               for row, name, problems in data["skipped"]]  # fmt: skip
    return Unsealed(data["cohort"], rows, skipped, str(data.get("file") or ""))


# --- confirm ------------------------------------------------------------------------------------------------


@dataclass
class Created:
    row: int
    user: User
    link: str | None  # set-password link to hand over, for hosts without an email address only


def create_hosts(session: Session, cfg: Config, cipher: PIICipher, org: Organisation, unsealed: Unsealed, *,
                 link_for, subject: str, body, admin_id: int | None = None) -> tuple[list[Created], Cohort | None]:  # fmt: skip
    """Create every row or none: accounts with no usable password, learner memberships, real-name data as the
    organisation provided it, cohort membership; a mailed set-password link for email hosts, a link to hand
    over for the others. Only flushes; the view commits once."""
    cohort = cohorts.get_cohort(session, org.id, unsealed.cohort_id) if unsealed.cohort_id else None
    rows = unsealed.rows
    check_accounts(session, rows)
    if any(r.problems for r in rows):
        raise ImportConflict([r for r in rows if r.problems])
    expires = utcnow() + timedelta(days=SET_PASSWORD_DAYS)
    created: list[Created] = []
    tokens = []
    try:
        with session.begin_nested():
            for row in rows:
                user = User(display_name=row.name, email=row.email, phone=row.phone, password_hash=unusable_password())
                session.add(user)
                session.flush()
                session.add(Membership(user_id=user.id, org_id=org.id, role=Role.LEARNER))
                if row.legal_name and row.id_number:
                    store_provided_real_name(session, cipher, user, org_id=org.id, legal_name=row.legal_name,
                                             id_number=row.id_number)  # fmt: skip
                token, link = firstlinks.issue(session, user.id, expires, link_for)
                tokens.append(token)
                created.append(Created(row.row, user, link))
            session.flush()
    except IntegrityError as exc:  # an account or ID number taken at the same moment by another request
        raise Conflict(
            _l("An account in the file was created by someone else just now. Upload the file again.")
        ) from exc
    if cohort is not None:
        cohorts.add_members(session, cohort, [c.user.id for c in created])
    record = HostImport(org_id=org.id, admin_id=admin_id, filename=unsealed.filename or "—", created=len(created),
                        skipped=len(unsealed.skipped), cohort_id=cohort.id if cohort else None)  # fmt: skip
    record.accounts = [HostImportAccount(user_id=c.user.id, row=c.row) for c in created]
    session.add(record)
    session.flush()
    for entry, token in zip(created, tokens):
        firstlinks.keep(session, cipher, org.id, entry.user, token, entry.link or "", import_id=record.id)
    for entry in created:
        if entry.user.email:
            send_message(session, cfg, entry.user.email, subject, body(org, entry.link, SET_PASSWORD_DAYS))
            entry.link = None  # mailed: not shown
    return created, cohort


def get_import(session: Session, org_id: int, import_id: int) -> HostImport:
    found = session.scalar(select(HostImport).where(HostImport.id == import_id, HostImport.org_id == org_id))
    if found is None:
        raise NotFound("no such import in this organisation")
    return found


def import_id_of(session: Session, created: list[Created]) -> int | None:
    """The import record that created these accounts."""
    if not created:
        return None
    return session.scalar(select(HostImportAccount.import_id).where(HostImportAccount.user_id == created[0].user.id))


def recent_imports(session: Session, org_id: int, limit: int = 20) -> list[HostImport]:
    return list(session.scalars(select(HostImport).where(HostImport.org_id == org_id)
                                .order_by(HostImport.created_at.desc(), HostImport.id.desc()).limit(limit)))  # fmt: skip


def renew_set_password_link(session: Session, cfg: Config, cipher: PIICipher, org: Organisation, user_id: int, *,
                            link_for, subject: str, body) -> tuple[User, str | None]:  # fmt: skip
    """A new set-password link for a host of ``org`` who has never chosen a password (the first link was lost or
    ran out). Earlier unused links of the account stop working. Mailed when the account has an email address
    (returns no link); otherwise returned, to hand over. Only flushes."""
    user = session.scalar(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.org_id == org.id, Membership.role == Role.LEARNER, User.id == user_id))  # fmt: skip
    if user is None:
        raise NotFound("no such host in this organisation")
    if not is_unusable(user.password_hash):  # a person uses this account: only they may change its password
        raise ValidationFailed(_l("%(name)s has already chosen a password. If it is forgotten, they use “Forgot your "
                                  "password?” on the login page.", name=user.display_name))  # fmt: skip
    now = utcnow()
    session.execute(update(PasswordResetToken).where(PasswordResetToken.user_id == user.id,
                                                     PasswordResetToken.used_at.is_(None)).values(used_at=now))  # fmt: skip
    token, link = firstlinks.issue(session, user.id, now + timedelta(days=SET_PASSWORD_DAYS), link_for)
    firstlinks.keep(session, cipher, org.id, user, token, link)
    if user.email:
        send_message(session, cfg, user.email, subject, body(org, link, SET_PASSWORD_DAYS))
        return user, None
    return user, link

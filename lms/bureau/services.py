"""Bulk verification, API tokens and the audit trail of labor bureaus.

Rows are checked in batches with one query per batch. A holder's ID number is compared only through the keyed
hash stored with the certificate at issue; it is never echoed back, stored or logged.
"""

from __future__ import annotations

import csv
import hmac
import io
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import certnumbers
from lms.accounts import idcard
from lms.bureau import idtries
from lms.bureau.bulkfile import BulkRow
from lms.bureau.models import ApiToken, AuditEvent, BulkCheck
from lms.bureau.wording import problem_text
from lms.certificates.models import REVOKED, SUPERSEDED, Certificate
from lms.certificates.services import revocation_label
from lms.db import utcnow
from lms.errors import NotFound, ValidationFailed
from lms.orgs.models import Organisation, OrgKind
from lms.security.pii import PIICipher
from lms.security.tokens import new_token, token_hash

BATCH = 1000
CHECK_COLUMNS = (Certificate.id, Certificate.number, Certificate.status, Certificate.holder_name, Certificate.holder_id_hash,
                 Certificate.revoked_category, Certificate.superseded_by_id, Certificate.course_title_zh,
                 Certificate.study_seconds)  # fmt: skip
#: How many different ID numbers one file (or API call) may compare with one certificate's holder: a bureau
#: checks a person once or twice, while every further try would narrow the number down (docs/privacy.md). Over
#: all files and calls of 24 hours, ``Config.bureau_id_tries_per_day`` holds (lms/bureau/idtries.py).
MAX_ID_TRIES = 3
#: Why a row's ID number was not compared: this file's cap, or the bureau's cap of the last 24 hours.
FILE_CAP, DAY_CAP = "file_cap", "day_cap"
RESULTS = ("valid", "revoked", "superseded", "unknown", "name_mismatch", "id_mismatch", "malformed")
RESULT_COLUMNS = ["row", "number", "name", "result", "detail"]  # as stored with a check


@dataclass(frozen=True)
class RowResult:
    row: int
    number: str
    result: str
    detail: str
    name: str = ""  # as submitted, repeated in the downloads

    def as_dict(self) -> dict:
        return {"row": self.row, "number": self.number, "result": self.result, "detail": self.detail}


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def check_rows(session: Session, cipher: PIICipher, rows: list[BulkRow], *, org_id: int, id_tries_per_day: int,
               now: datetime | None = None, progress: Callable[[int], None] | None = None) -> list[RowResult]:
    """Each row's result, in input order, for the bureau ``org_id``. Identity is checked before status: a valid
    certificate presented for the wrong person is a mismatch, not a pass. A row's ID number is compared only within
    this file's cap and the bureau's daily cap per certificate (lms/bureau/idtries.py: the tries are committed at once on
    a connection of their own). ``progress`` hears the rows done after
    every batch."""
    results: list[RowResult] = []
    tried: dict[int, set[str]] = {}  # per certificate, the (hashed) ID numbers this file compared
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        wanted = {}
        for row in batch:
            checked = certnumbers.check(row.number) if not row.problems else None
            if checked is not None and checked.ok:
                wanted[row.row] = checked.normalised
        # Only the columns a check needs: no ORM objects, no credential text, for 100,000-row files.
        found = {c.number: c for c in session.execute(select(*CHECK_COLUMNS).where(Certificate.number.in_(set(wanted.values()))))}
        replaced = {c.superseded_by_id for c in found.values() if c.superseded_by_id}
        superseding = {}
        if replaced:
            found_rows = session.execute(select(Certificate.id, Certificate.number).where(Certificate.id.in_(replaced)))
            superseding = {cid: num for cid, num in found_rows}
        verdicts = _id_verdicts(session, cipher, batch, wanted, found, tried, org_id, id_tries_per_day, now)
        for row in batch:
            results.append(replace(_result(row, wanted.get(row.row), found, superseding, verdicts, id_tries_per_day),
                                   name=row.name))
        if progress is not None:
            progress(len(results))
    return results


def _id_verdicts(session: Session, cipher: PIICipher, batch: list[BulkRow], wanted: dict, found: dict,
                 tried: dict[int, set[str]], org_id: int, per_day: int, now: datetime | None) -> dict[int, str]:
    """For each row of ``batch`` whose ID number would be compared with a holder's: its lookup hash, or why it is
    not compared (``FILE_CAP``, ``DAY_CAP``). Rows refused by this file's cap take none of the daily allowance."""
    verdicts: dict[int, str] = {}
    candidates: dict[int, tuple[int, str]] = {}
    for row in batch:
        certificate = found.get(wanted.get(row.row)) if not row.problems else None
        if (certificate is None or not row.id_number or not _same_name(row.name, certificate.holder_name)
                or idcard.validate(row.id_number) is not None):
            continue
        digest = cipher.lookup_hash(row.id_number)
        ids = tried.setdefault(certificate.id, set())
        if digest not in ids and len(ids) >= MAX_ID_TRIES:  # else a file could try every birth date
            verdicts[row.row] = FILE_CAP
            continue
        ids.add(digest)
        candidates[row.row] = (certificate.id, digest)
    admitted = idtries.admit(session, org_id, list(candidates.values()), per_day, now)
    for row_number, pair in candidates.items():
        verdicts[row_number] = pair[1] if pair in admitted else DAY_CAP
    return verdicts


def _result(row: BulkRow, normalised, found, superseding, verdicts: dict[int, str], per_day: int) -> RowResult:
    shown = row.number.strip()
    if row.problems:
        return RowResult(row.row, shown, "malformed", "; ".join(problem_text(p) for p in row.problems))
    if normalised is None:
        checked = certnumbers.check(row.number)
        detail = {"length": _("the number does not have 15 characters"),
                  "characters": _("the character “%(char)s” is not used in certificate numbers", char=checked.character),
                  "check_character": _("the check character does not match: a character is mistyped")}.get(
            checked.problem or "", _("not a certificate number"))  # fmt: skip
        return RowResult(row.row, shown, "malformed", detail)
    certificate = found.get(normalised)
    number = certnumbers.format(normalised)
    if certificate is None:
        return RowResult(row.row, number, "unknown", _("no certificate has this number"))
    if not _same_name(row.name, certificate.holder_name):
        return RowResult(row.row, number, "name_mismatch", _("the name does not match the certificate's holder"))
    if row.id_number:
        problem = idcard.validate(row.id_number)
        if problem is not None:
            return RowResult(row.row, number, "malformed", _("the ID number is not valid (%(code)s)", code=problem.code))
        digest = verdicts[row.row]
        if digest == FILE_CAP:
            return RowResult(row.row, number, "malformed", _("ID number not checked: one file can try at most "
                                                             "%(n)d ID numbers per certificate", n=MAX_ID_TRIES))
        if digest == DAY_CAP:
            return RowResult(row.row, number, "malformed", _("ID number not checked: at most %(n)d different ID "
                                                             "numbers per certificate can be tried in 24 hours",
                                                             n=per_day))
        if not certificate.holder_id_hash or not hmac.compare_digest(digest, certificate.holder_id_hash):
            return RowResult(row.row, number, "id_mismatch", _("the ID number does not match the certificate's holder"))
    if certificate.status == REVOKED:
        return RowResult(row.row, number, "revoked", revocation_label(certificate.revoked_category))
    if certificate.status == SUPERSEDED:
        replacement = superseding.get(certificate.superseded_by_id)
        return RowResult(row.row, number, "superseded",
                         _("replaced by %(number)s", number=certnumbers.format(replacement) if replacement else "?"))
    return RowResult(row.row, number, "valid", _("%(course)s; %(hours)s study hours", course=certificate.course_title_zh,
                                                 hours=round(certificate.study_seconds / 3600, 1)))


def looked_up(results: list[RowResult]) -> list[str]:
    """For the audit trail: the certificate numbers looked up, as the site writes them. A malformed cell is not a
    number and is not kept (no raw input in audit details)."""
    return [r.number for r in results if r.result != "malformed"]


def file_label(filename: str) -> str:
    """An uploaded file's name as kept in the audit trail and with a stored check: printable, at most 100
    characters."""
    printable = "".join(ch for ch in filename if ch.isprintable())
    return printable if len(printable) <= 100 else printable[:99] + "…"


def summary_of(results: list[RowResult]) -> dict[str, int]:
    counts = Counter(r.result for r in results)
    return {key: counts.get(key, 0) for key in RESULTS}


def results_csv(results: list[RowResult]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RESULT_COLUMNS)
    for r in results:
        writer.writerow([r.row, r.number, r.name, r.result, r.detail])
    return out.getvalue().encode("utf-8")


def stored_results(check: BulkCheck) -> list[dict]:
    reader = csv.DictReader(io.StringIO(check.results_csv.decode("utf-8")))
    return [dict(row) for row in reader]


def record_bulk_check(session: Session, *, org_id: int, user_id: int | None, filename: str,
                      results: list[RowResult]) -> BulkCheck:  # fmt: skip
    check = BulkCheck(org_id=org_id, user_id=user_id, filename=file_label(filename), rows=len(results),
                      summary=summary_of(results), results_csv=results_csv(results))  # fmt: skip
    session.add(check)
    session.flush()
    return check


def record_and_audit(session: Session, *, org_id: int, user_id: int | None, filename: str,
                     results: list[RowResult]) -> BulkCheck:  # fmt: skip
    """Store a finished check and its audit entry (with the numbers looked at), in the caller's transaction."""
    check = record_bulk_check(session, org_id=org_id, user_id=user_id, filename=filename, results=results)
    audit(session, org_id=org_id, user_id=user_id, action="bulk_check", rows=len(results),
          detail={"file": file_label(filename), "check": check.id, "summary": check.summary,
                  "numbers": looked_up(results)})  # fmt: skip
    return check


def audit(session: Session, *, org_id: int, action: str, rows: int = 0, detail: dict | None = None,
          user_id: int | None = None, token_id: int | None = None) -> AuditEvent:  # fmt: skip
    event = AuditEvent(org_id=org_id, user_id=user_id, token_id=token_id, action=action, rows=rows, detail=detail or {})
    session.add(event)
    session.flush()
    return event


def audit_events(session: Session, org_id: int | None, limit: int = 500) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if org_id is not None:
        stmt = stmt.where(AuditEvent.org_id == org_id)
    return list(session.scalars(stmt))


def site_audit_events(session: Session, limit: int = 100) -> list[AuditEvent]:
    """The site's own events (real-name saves, identity reviews), which no bureau sees: for site admins."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.org_id.is_(None))
                                .order_by(AuditEvent.id.desc()).limit(limit)))  # fmt: skip


def create_token(session: Session, *, org_id: int, name: str, created_by_id: int | None) -> tuple[ApiToken, str]:
    name = " ".join(name.split())
    if not 2 <= len(name) <= 80:
        raise ValidationFailed(_l("Give the token a name (2 to 80 characters), e.g. the system that uses it."), "name")
    secret, _digest = new_token()
    token = f"lmsb_{secret}"
    record = ApiToken(org_id=org_id, name=name, token_hash=token_hash(token), prefix=token[:10],
                      created_by_id=created_by_id)  # fmt: skip
    session.add(record)
    session.flush()
    return record, token


def tokens_of(session: Session, org_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.org_id == org_id).order_by(ApiToken.id.desc())))


def revoke_token(session: Session, org_id: int, token_id: int) -> None:
    record = session.get(ApiToken, token_id)
    if record is None or record.org_id != org_id:
        raise NotFound(_l("No such token in this organisation."))
    record.revoked_at = record.revoked_at or utcnow()
    session.flush()


def token_for(session: Session, presented: str) -> ApiToken | None:
    """The live token matching a bearer value, or None (missing, wrong or revoked)."""
    if not presented.startswith("lmsb_"):
        return None
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(presented)))
    if record is None or record.revoked_at is not None:
        return None
    org = session.get(Organisation, record.org_id)
    if org is None or org.kind != OrgKind.BUREAU:
        return None  # only a labor bureau's token opens the bulk API
    record.last_used_at = utcnow()
    return record


def get_check(session: Session, org_id: int, check_id: int) -> BulkCheck:
    check = session.get(BulkCheck, check_id)
    if check is None or check.org_id != org_id:
        raise NotFound(_l("No such check in this organisation."))
    return check


def recent_checks(session: Session, org_id: int, limit: int = 20) -> list[BulkCheck]:
    return list(session.scalars(
        select(BulkCheck).where(BulkCheck.org_id == org_id).order_by(BulkCheck.id.desc()).limit(limit)
    ))  # fmt: skip

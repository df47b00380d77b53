"""The instruments this site offers (read from the instrument files, switched on by an operator after confirming
the licence), and the results a host chose to store: sealed with the PII cipher, readable and deletable only by
that host. Services take plain arguments and raise domain errors; the caller commits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.db import utcnow
from lms.errors import DomainError, NotFound
from lms.messages import N_
from lms.resources import shipped
from lms.security.pii import PIICipher, PIIDecryptError
from lms.wellbeing.instruments import Instrument, Result, read_folder, score
from lms.wellbeing.models import SelfCheckResult, SelfCheckSwitch

MAX_STORED = 200


@lru_cache(maxsize=4)
def _instruments(folder: Path) -> dict[str, Instrument]:
    found, _problems = read_folder(folder)  # a file with problems is never offered; `lms instruments check` names them
    return found


def instruments(extra_dir: str | None = None) -> dict[str, Instrument]:
    """Every valid instrument file shipped with the site, and of the operator's folder ``extra_dir``, by id."""
    found = dict(_instruments(shipped("instruments")))
    if extra_dir:
        for instrument_id, item in _instruments(Path(extra_dir)).items():
            found.setdefault(instrument_id, item)
    return found


def instrument(instrument_id: str, extra_dir: str | None = None) -> Instrument:
    found = instruments(extra_dir).get(instrument_id)
    if found is None:
        raise NotFound(N_("No such self-check."))
    return found


# -- the operator's switch ------------------------------------------------------------------------------------------
def switch(session: Session, instrument_id: str) -> SelfCheckSwitch | None:
    return session.get(SelfCheckSwitch, instrument_id)


def is_enabled(session: Session, item: Instrument) -> bool:
    """On, and confirmed for this very version of the instrument."""
    row = switch(session, item.id)
    return bool(row and row.enabled and row.version == item.version and row.confirmed_at)


def enabled_instruments(session: Session, extra_dir: str | None = None) -> list[Instrument]:
    return [i for i in instruments(extra_dir).values() if is_enabled(session, i)]


def turn_on(session: Session, instrument_id: str, admin_id: int, licence_confirmed: bool,
            extra_dir: str | None = None) -> SelfCheckSwitch:
    item = instrument(instrument_id, extra_dir)
    if not licence_confirmed:
        raise DomainError(N_("Confirm that the licence allows your use before switching the self-check on."),
                          field="confirm_licence")
    row = switch(session, item.id) or SelfCheckSwitch(instrument_id=item.id)
    row.enabled, row.version, row.licence_name = True, item.version, item.licence_name
    row.confirmed_by_id, row.confirmed_at = admin_id, utcnow()
    session.add(row)
    session.flush()
    return row


def turn_off(session: Session, instrument_id: str) -> None:
    row = switch(session, instrument_id)
    if row is not None:
        row.enabled = False
        session.flush()


# -- the host's results -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoredResult:
    id: int
    instrument_id: str
    instrument_version: str
    licence_name: str
    taken_at: datetime
    result: Result


def _context(user_id: int, instrument_id: str) -> str:
    return f"self-check answers user={user_id} instrument={instrument_id}"


def take(session: Session, item: Instrument, answers: list[int | None]) -> Result:
    """Score the answers of an instrument that is switched on; nothing is stored."""
    if not is_enabled(session, item):
        raise NotFound(N_("This self-check is not available on this site."))
    return score(item, answers)


def store(session: Session, cipher: PIICipher, user_id: int, item: Instrument, result: Result,
          consent: bool) -> SelfCheckResult:
    """Store a result only with the host's separate, explicit consent; the answers are sealed."""
    if not consent:
        raise DomainError(N_("Nothing was stored: tick the box to agree to storing this result."), field="consent")
    row = switch(session, item.id)
    if row is None or not is_enabled(session, item) or row.confirmed_at is None:
        raise NotFound(N_("This self-check is not available on this site."))
    count = len(session.scalars(select(SelfCheckResult.id).where(SelfCheckResult.user_id == user_id)).all())
    if count >= MAX_STORED:
        raise DomainError(N_("You have %(n)s stored results; delete some first.", n=MAX_STORED), field="consent")
    sealed = cipher.encrypt(json.dumps({"answers": list(result.answers)}), context=_context(user_id, item.id))
    stored = SelfCheckResult(user_id=user_id, instrument_id=item.id, instrument_version=item.version,
                             licence_name=row.licence_name, licence_confirmed_at=row.confirmed_at,
                             sealed_answers=sealed, taken_at=utcnow())
    session.add(stored)
    session.flush()
    return stored


def _open(cipher: PIICipher, row: SelfCheckResult, extra_dir: str | None) -> StoredResult | None:
    """The result, or None when its instrument is no longer shipped or it does not decrypt (another key, a row
    copied from another person): such a row is never shown, and 'delete all' still removes it."""
    item = instruments(extra_dir).get(row.instrument_id)
    if item is None:
        return None
    try:
        answers = json.loads(cipher.decrypt(row.sealed_answers, context=_context(row.user_id, row.instrument_id)))
    except PIIDecryptError:
        return None
    return StoredResult(row.id, row.instrument_id, row.instrument_version, row.licence_name, row.taken_at,
                        score(item, answers["answers"]))


def results(session: Session, cipher: PIICipher, user_id: int, instrument_id: str | None = None,
            extra_dir: str | None = None) -> list[StoredResult]:
    """The host's own stored results, oldest first (for change over time)."""
    query = select(SelfCheckResult).where(SelfCheckResult.user_id == user_id)
    if instrument_id is not None:
        query = query.where(SelfCheckResult.instrument_id == instrument_id)
    rows = session.scalars(query.order_by(SelfCheckResult.taken_at, SelfCheckResult.id)).all()
    return [opened for opened in (_open(cipher, row, extra_dir) for row in rows) if opened is not None]


def own_result(session: Session, cipher: PIICipher, user_id: int, result_id: int,
               extra_dir: str | None = None) -> StoredResult:
    """The host's own result; anyone else's (whatever their role) is 'not found', so its existence is not shown."""
    row = session.get(SelfCheckResult, result_id)
    opened = _open(cipher, row, extra_dir) if row is not None and row.user_id == user_id else None
    if opened is None:
        raise NotFound(N_("No such result."))
    return opened


def delete(session: Session, user_id: int, result_id: int) -> None:
    row = session.get(SelfCheckResult, result_id)
    if row is None or row.user_id != user_id:
        raise NotFound(N_("No such result."))
    session.delete(row)


def delete_all(session: Session, user_id: int) -> int:
    rows = session.scalars(select(SelfCheckResult).where(SelfCheckResult.user_id == user_id)).all()
    for row in rows:
        session.delete(row)
    return len(rows)

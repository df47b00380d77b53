"""Bureaus as witnesses of the transparency log: registered witness keys and the cosignatures they send.

Organisations are referred to by id only; their names are the caller's business (the certificate page).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.config import Config
from lms.errors import ValidationFailed
from lms.transparency import log, merkle, note
from lms.transparency.models import Cosignature, WitnessKey
from lms.trust import keys

MAX_VKEY = 200  # witness_keys.vkey


def register_key(session: Session, org_id: int, vkey: str) -> WitnessKey:
    if len(vkey.strip()) > MAX_VKEY:  # a valid vkey's name can be any length; the column holds 200
        raise ValidationFailed(_l("This is not a valid witness key (vkey): %(why)s",
                                  why=f"longer than {MAX_VKEY} characters"), "vkey")  # fmt: skip
    try:
        verifier = note.parse_vkey(vkey.strip())
    except note.NoteError as exc:
        raise ValidationFailed(_l("This is not a valid witness key (vkey): %(why)s", why=str(exc)), "vkey") from None
    if verifier.alg != note.ALG_COSIGNATURE_V1:
        raise ValidationFailed(_l("A witness key must be a cosignature key (type 0x04)."), "vkey")
    existing = session.scalar(select(WitnessKey).where(WitnessKey.vkey == vkey.strip()))
    if existing is not None:
        return existing
    record = WitnessKey(org_id=org_id, vkey=vkey.strip())
    session.add(record)
    session.flush()
    return record


def accept_cosigned(session: Session, cfg: Config, org_id: int, signed: str) -> list[Cosignature]:
    """Check a cosigned checkpoint (ours, of a size the log really had) and keep each cosignature of this bureau."""
    _log_record, log_private = keys.active_key(session, cfg, "log")
    log_verifiers = {log.origin(cfg): [note.Verifier(log.origin(cfg), note.ALG_ED25519,
                                                     log_private.public_key().public_bytes_raw())]}  # fmt: skip
    try:
        text, _signers = note.open_note(signed, log_verifiers)
        checkpoint = note.Checkpoint.parse(text)
    except note.NoteError as exc:
        raise ValidationFailed(_l("The checkpoint is not one this log signed: %(why)s", why=str(exc))) from None
    state = log.state(session)
    if state is None or checkpoint.size > state.size or checkpoint.size == 0:
        raise ValidationFailed(_l("The log never had this size."))
    if merkle.root(log.DbNodeStore(session), checkpoint.size) != checkpoint.root_hash:
        raise ValidationFailed(_l("This checkpoint's root is not the log's root at that size."))
    witness_keys = list(session.scalars(select(WitnessKey).where(WitnessKey.org_id == org_id)))
    verifiers: dict[str, list] = {}
    for record in witness_keys:
        verifier = note.parse_vkey(record.vkey)
        verifiers.setdefault(verifier.name, []).append(verifier)
    if not verifiers:
        raise ValidationFailed(_l("Register a witness key for your organisation first."))
    try:
        _text, verified = note.open_note_detailed(signed, verifiers)
    except note.NoteError as exc:
        raise ValidationFailed(_l("No valid cosignature from your witness keys: %(why)s", why=str(exc))) from None
    by_id = {note.parse_vkey(r.vkey).key_id: r for r in witness_keys}
    stored = []
    for sig in verified:
        record = by_id[sig.key_id]
        line = next(l for l in signed.splitlines() if l.startswith("\u2014 " + sig.name + " "))
        cosignature = Cosignature(org_id=org_id, witness_key_id=record.id, tree_size=checkpoint.size,
                                  root_hash=checkpoint.root_hash.hex(), timestamp=sig.timestamp or 0, line=line)  # fmt: skip
        session.add(cosignature)
        stored.append(cosignature)
    session.flush()
    return stored


def cosignatures_covering(session: Session, log_index: int) -> list[tuple[int, int, int]]:
    """(organisation id, tree size, timestamp) of every cosignature covering this log entry (tree size beyond its
    index), largest tree first."""
    rows = session.execute(
        select(Cosignature.org_id, Cosignature.tree_size, Cosignature.timestamp)
        .where(Cosignature.tree_size > log_index)
        .order_by(Cosignature.tree_size.desc())
    )
    return [(org_id, size, timestamp) for org_id, size, timestamp in rows]


def keys_of(session: Session, org_id: int) -> list[WitnessKey]:
    return list(session.scalars(select(WitnessKey).where(WitnessKey.org_id == org_id).order_by(WitnessKey.id)))


def cosignatures_of(session: Session, org_id: int, limit: int = 20) -> list[Cosignature]:
    return list(session.scalars(
        select(Cosignature).where(Cosignature.org_id == org_id).order_by(Cosignature.id.desc()).limit(limit)
    ))  # fmt: skip

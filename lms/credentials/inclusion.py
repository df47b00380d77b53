"""A credential's place in the transparency log: its digest, the entry it was logged as, and the verifier's
``log_inclusion`` step. Pure. Format: docs/transparency-log.md.

`check_inclusion` rebuilds the credential's entry (`lms.transparency.entry`), then checks its C2SP tlog-proof
against a checkpoint signed by a log key published in the issuer's DID document (`lms.transparency.note`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from lms import certnumbers
from lms.transparency import note
from lms.transparency.entry import ISSUE, REISSUE, LogEntryError, entry_bytes, entry_leaf_hash, parse_entry

from .jcs import canonicalize

__all__ = ["check_entry_inclusion", "check_inclusion", "credential_sha256", "expected_entry"]


def credential_sha256(credential: dict[str, Any]) -> str:
    """Hex SHA-256 of the RFC 8785 (JCS) form of the signed credential, proofs included."""
    return hashlib.sha256(canonicalize(credential)).hexdigest()


def expected_entry(credential: dict[str, Any], logged: bytes | None) -> bytes:
    """The entry a credential must have been logged as. `logged` (a tlog-proof's unauthenticated `extra`) may
    say it was a re-issue; every field it states is re-derived from the credential, never taken on trust."""
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("licenseNumber"), str):
        raise LogEntryError("the credential has no licenseNumber to find its log entry by")
    number = certnumbers.normalise(subject["licenseNumber"])
    digest = credential_sha256(credential)
    # Here, not at the top: the module that parses the date also loads PyLD (about 9 MiB), which a page worker
    # needs only when it signs or checks a credential; certificate services import this module at start.
    from .dataintegrity import parse_date_time_stamp

    at = parse_date_time_stamp(credential.get("validFrom"))
    if logged is None:
        return entry_bytes(ISSUE, number, digest, at)
    entry = parse_entry(logged)
    if entry.kind not in (ISSUE, REISSUE):
        raise LogEntryError(f"the proof's entry is a {entry.kind} entry, not this credential's issue")
    if entry.number != number:
        raise LogEntryError(f"the logged entry is for {entry.number}, this credential is {number}")
    if entry.credential_sha256 != digest:
        raise LogEntryError("this credential's SHA-256 differs from the one logged: it was altered")
    return entry_bytes(entry.kind, number, digest, at, entry.supersedes)


def check_inclusion(
    credential: dict[str, Any],
    inclusion_proof: str,
    checkpoint: str | None,
    log_vkeys: Sequence[str],
    witness_vkeys: Sequence[str] = (),
    quorum: int = 0,
    now: datetime | None = None,
) -> str:
    """Check that the credential's entry is in the log; return a description, or raise NoteError/LogEntryError.

    `inclusion_proof` is a C2SP tlog-proof. `checkpoint`, if given, is used when the proof carries none, and
    must otherwise have the same body as the one it carries. The checkpoint's origin picks the log key among
    `log_vkeys` (key name = origin); `witness_vkeys` (type 0x04) and `quorum` set the cosignature policy.
    """
    return check_entry_inclusion(lambda extra: expected_entry(credential, extra), inclusion_proof, checkpoint,
                                 log_vkeys, witness_vkeys, quorum, now)  # fmt: skip


def check_entry_inclusion(
    expected: Callable[[bytes | None], bytes],
    inclusion_proof: str,
    checkpoint: str | None,
    log_vkeys: Sequence[str],
    witness_vkeys: Sequence[str] = (),
    quorum: int = 0,
    now: datetime | None = None,
) -> str:
    """Check that the entry ``expected(proof's extra)`` returns is in the log (see `check_inclusion`)."""
    logs = [v for v in map(note.parse_vkey, log_vkeys) if v.alg == note.ALG_ED25519]
    witnesses = {w.name: w.public_key for w in map(note.parse_vkey, witness_vkeys)}
    if checkpoint is not None and "\n\n" not in inclusion_proof:
        inclusion_proof = inclusion_proof.rstrip("\n") + "\n\n" + checkpoint
    proof = note.parse_proof(inclusion_proof)
    body = note.split_note(proof.checkpoint)[0]
    if checkpoint is not None and note.split_note(checkpoint)[0] != body:
        raise note.PolicyError("the inclusion proof is for another checkpoint than the one given")
    leaf = entry_leaf_hash(expected(proof.extra))
    if not logs:
        raise note.UnknownKeyError("no log key: none given and none in the DID document's log service")
    origin = note.Checkpoint.parse(body).origin
    errors = []
    for log in (v for v in logs if v.name == origin):
        when = None if now is None else int(now.timestamp())
        try:
            verified = note.verify_proof(proof, leaf, origin, log.public_key, witnesses, quorum, when)
        except note.NoteError as exc:
            errors.append(str(exc))
            continue
        cp, cosigners = verified.checkpoint, sorted(verified.cosigners)
        cosigned = f", cosigned by {', '.join(cosigners)}" if cosigners else ""
        return f"entry {proof.index} of {cp.origin} (tree size {cp.size}){cosigned}"
    raise note.PolicyError("; ".join(errors) or f"the checkpoint's origin {origin!r} has no known log key")

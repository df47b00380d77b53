"""Transparency-log entries for certificates: the exact bytes of each leaf. Pure. Format: docs/transparency-log.md.

An entry is ASCII text, one field per line, every line ending in LF (0x0A), no CR, no trailing spaces:

    lms-cert-v1                 format and version
    <kind>                      issue | revoke | reissue
    <number>                    certificate number, normalised: 15 characters, no hyphens, valid check character
    <sha256>                    64 lower-case hex digits: SHA-256(JCS(signed credential, proofs included))
    <time>                      RFC 3339 UTC, whole seconds: YYYY-MM-DDTHH:MM:SSZ
    <supersedes>                reissue only: the normalised number of the certificate it replaces

The leaf hash is RFC 9162's SHA-256(0x00 ‖ entry bytes). Entries hold no personal data: a number, a digest and a
time. Anyone holding the credential recomputes its entry; nobody can recover a credential from an entry.

`check_inclusion` is the verifier's `log_inclusion` step: rebuild the credential's entry, then check its C2SP
tlog-proof against a checkpoint signed by a log key published in the issuer's DID document.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lms import certnumbers
from lms.credentials.dataintegrity import parse_date_time_stamp
from lms.credentials.jcs import canonicalize
from lms.transparency import merkle, note

__all__ = [
    "KINDS",
    "LOG_SERVICE_TYPE",
    "MAGIC",
    "LogEntry",
    "LogEntryError",
    "check_inclusion",
    "credential_sha256",
    "entry_bytes",
    "entry_leaf_hash",
    "expected_entry",
    "log_vkeys_of",
    "parse_entry",
    "rebuild_root",
]

MAGIC = "lms-cert-v1"
ISSUE, REVOKE, REISSUE = "issue", "revoke", "reissue"
KINDS = (ISSUE, REVOKE, REISSUE)
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# The DID document's service entry that publishes the log's verifier keys (docs/transparency-log.md).
LOG_SERVICE_TYPE = "C2SPTransparencyLog"


class LogEntryError(ValueError):
    """Bytes or fields that are not a well-formed entry."""


@dataclass(frozen=True)
class LogEntry:
    kind: str
    number: str
    credential_sha256: str
    at: datetime
    supersedes: str | None = None

    def to_bytes(self) -> bytes:
        return entry_bytes(self.kind, self.number, self.credential_sha256, self.at, self.supersedes)


def credential_sha256(credential: dict[str, Any]) -> str:
    """Hex SHA-256 of the RFC 8785 (JCS) form of the signed credential, proofs included."""
    return hashlib.sha256(canonicalize(credential)).hexdigest()


def _number(value: str, what: str) -> str:
    if not isinstance(value, str) or not certnumbers.is_valid_raw(value):
        raise LogEntryError(f"{what} must be a normalised certificate number with a valid check character")
    return value


def entry_bytes(
    kind: str, number: str, credential_sha256: str, at: datetime, extra: str | None = None
) -> bytes:
    """The entry for one event. `extra` is the superseded certificate's number, for (and only for) `reissue`."""
    if kind not in KINDS:
        raise LogEntryError(f"unknown entry kind {kind!r}")
    _number(number, "number")
    if not isinstance(credential_sha256, str) or not _HEX64.match(credential_sha256):
        raise LogEntryError("credential_sha256 must be 64 lower-case hex digits")
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise LogEntryError("at must be a timezone-aware datetime")
    lines = [MAGIC, kind, number, credential_sha256, at.astimezone(UTC).strftime(_TIME_FORMAT)]
    if kind == REISSUE:
        if extra is None:
            raise LogEntryError("a reissue entry names the number it supersedes")
        if _number(extra, "superseded number") == number:
            raise LogEntryError("a certificate cannot supersede itself")
        lines.append(extra)
    elif extra is not None:
        raise LogEntryError(f"a {kind} entry has no extra field")
    return ("\n".join(lines) + "\n").encode("ascii")


def parse_entry(data: bytes) -> LogEntry:
    """Parse entry bytes; only the exact canonical bytes `entry_bytes` produces are accepted."""
    if not isinstance(data, bytes):
        raise LogEntryError("an entry is bytes")
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise LogEntryError("an entry is ASCII") from None
    if not text.endswith("\n"):
        raise LogEntryError("an entry ends with a newline")
    lines = text[:-1].split("\n")
    if lines[0] != MAGIC:
        raise LogEntryError(f"an entry starts with the line {MAGIC!r}")
    if len(lines) < 5 or lines[1] not in KINDS:
        raise LogEntryError("an entry has a known kind, a number, a digest and a time")
    expected = 6 if lines[1] == REISSUE else 5
    if len(lines) != expected:
        raise LogEntryError(f"a {lines[1]} entry has {expected} lines, not {len(lines)}")
    if not _TIME.match(lines[4]):
        raise LogEntryError("entry time must be YYYY-MM-DDTHH:MM:SSZ")
    try:
        at = datetime.strptime(lines[4], _TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise LogEntryError("entry time is not a valid date and time") from None
    entry = LogEntry(lines[1], lines[2], lines[3], at, lines[5] if expected == 6 else None)
    if entry.to_bytes() != data:  # validates every field, and refuses any second spelling
        raise LogEntryError("entry is not in canonical form")
    return entry


def entry_leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash of an entry: SHA-256(0x00 ‖ entry bytes)."""
    return merkle.leaf_hash(data)


def rebuild_root(entries: Iterable[bytes]) -> tuple[int, bytes]:
    """(tree size, root hash) of a log holding `entries` in order: each entry is parsed (so a malformed one is
    refused), hashed as a leaf and appended. Compare the result with a checkpoint's size and root."""
    store, size = merkle.MemoryNodeStore(), 0
    for data in entries:
        parse_entry(data)
        size = merkle.append(store, size, entry_leaf_hash(data))
    return size, merkle.root(store, size)


# --- checking a credential's inclusion ---------------------------------------------------------------------------


def log_vkeys_of(did_document: dict[str, Any] | None) -> list[str]:
    """The log's verifier keys (C2SP vkeys) published in the DID document's `C2SPTransparencyLog` service."""
    services = did_document.get("service") if isinstance(did_document, dict) else None
    found: list[str] = []
    for service in services if isinstance(services, list) else []:
        if isinstance(service, dict) and service.get("type") == LOG_SERVICE_TYPE:
            found.extend(k for k in service.get("verifierKeys") or [] if isinstance(k, str))
    return found


def expected_entry(credential: dict[str, Any], logged: bytes | None) -> bytes:
    """The entry a credential must have been logged as. `logged` (a tlog-proof's unauthenticated `extra`) may
    say it was a re-issue; every field it states is re-derived from the credential, never taken on trust."""
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("licenseNumber"), str):
        raise LogEntryError("the credential has no licenseNumber to find its log entry by")
    number = certnumbers.normalise(subject["licenseNumber"])
    digest = credential_sha256(credential)
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
    logs = [v for v in map(note.parse_vkey, log_vkeys) if v.alg == note.ALG_ED25519]
    witnesses = {w.name: w.public_key for w in map(note.parse_vkey, witness_vkeys)}
    if checkpoint is not None and "\n\n" not in inclusion_proof:
        inclusion_proof = inclusion_proof.rstrip("\n") + "\n\n" + checkpoint
    proof = note.parse_proof(inclusion_proof)
    body = note.split_note(proof.checkpoint)[0]
    if checkpoint is not None and note.split_note(checkpoint)[0] != body:
        raise note.PolicyError("the inclusion proof is for another checkpoint than the one given")
    leaf = entry_leaf_hash(expected_entry(credential, proof.extra))
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

"""Transparency-log entries for certificates: the exact bytes of each leaf. Pure. Format: docs/transparency-log.md.

An entry is ASCII text, one field per line, every line ending in LF (0x0A), no CR, no trailing spaces:

    lms-cert-v1                 format and version
    <kind>                      issue | revoke | reissue | process
    <number>                    certificate number, normalised: 15 characters, no hyphens, valid check character
    <sha256>                    64 lower-case hex digits: SHA-256(JCS(signed credential, proofs included))
    <time>                      RFC 3339 UTC, whole seconds: YYYY-MM-DDTHH:MM:SSZ
    <supersedes>                reissue only: the normalised number of the certificate it replaces

The leaf hash is RFC 9162's SHA-256(0x00 ‖ entry bytes). Entries hold no personal data: a number, a digest and a
time. Anyone holding the credential recomputes its entry; nobody can recover a credential from an entry.

The <sha256> of a credential is `lms.credentials.inclusion.credential_sha256`; the verifier's `log_inclusion` step
(`lms.credentials.inclusion.check_inclusion`) rebuilds a credential's entry with `entry_bytes` and checks it here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from lms import certnumbers
from lms.transparency import merkle

__all__ = [
    "ISSUE",
    "KINDS",
    "PROCESS",
    "MAGIC",
    "REISSUE",
    "REVOKE",
    "LogEntry",
    "LogEntryError",
    "entry_bytes",
    "entry_leaf_hash",
    "parse_entry",
    "rebuild_root",
]

MAGIC = "lms-cert-v1"
ISSUE, REVOKE, REISSUE = "issue", "revoke", "reissue"
#: The holder's process record (培训过程记录) at issue: its digest is SHA-256(JCS(record)), see docs/study-hours.md.
PROCESS = "process"
KINDS = (ISSUE, REVOKE, REISSUE, PROCESS)
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


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

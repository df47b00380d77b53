"""A certificate's sealed process record (培训过程记录), checked offline. Pure.

At issue, the holder's process record is stored as canonical JSON (RFC 8785) and its SHA-256 goes into a
``process`` entry of the transparency log (format: docs/transparency-log.md, docs/study-hours.md). A bureau downloads
the records of a cohort as one file::

    {"format": "lms-process-export-v1",
     "records": [{"certificate": "<number>", "log_index": <n>, "record": {...}, "proof": "<C2SP tlog-proof>"}]}

`check_process_seal` finds the credential's record in it, recomputes the digest, rebuilds the ``process`` entry from
the credential's number and issue time and that digest, and checks the entry's inclusion proof against a checkpoint
signed by the log key. A record edited after issue has another digest, so its entry is not in the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from lms import certnumbers
from lms.transparency.entry import PROCESS, LogEntryError, entry_bytes, parse_entry

from .dataintegrity import parse_date_time_stamp
from .inclusion import check_entry_inclusion
from .jcs import canonicalize

__all__ = ["EXPORT_FORMAT", "check_process_seal", "record_sha256"]

EXPORT_FORMAT = "lms-process-export-v1"


def record_sha256(record: dict[str, Any]) -> str:
    """Hex SHA-256 of the record's canonical JSON: the digest its ``process`` log entry holds."""
    return hashlib.sha256(canonicalize(record)).hexdigest()


def _record_for(export: Any, number: str) -> dict[str, Any]:
    if not isinstance(export, dict) or export.get("format") != EXPORT_FORMAT:
        raise LogEntryError(f"the process record file is not an {EXPORT_FORMAT} file")
    records = export.get("records")
    if not isinstance(records, list):
        raise LogEntryError("the process record file has no list of records")
    for item in records:
        if isinstance(item, dict) and isinstance(item.get("certificate"), str) \
                and certnumbers.normalise(item["certificate"]) == number:  # fmt: skip
            return item
    raise LogEntryError(f"the process record file holds no record for certificate {certnumbers.format(number)}")


def check_process_seal(
    credential: dict[str, Any],
    export: Any,
    checkpoint: str | None,
    log_vkeys: Sequence[str],
    witness_vkeys: Sequence[str] = (),
    quorum: int = 0,
    now: datetime | None = None,
) -> str:
    """Check the credential's process record against its sealed log entry; return a description, or raise
    NoteError/LogEntryError naming what does not hold."""
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("licenseNumber"), str):
        raise LogEntryError("the credential has no licenseNumber to find its process record by")
    number = certnumbers.normalise(subject["licenseNumber"])
    item = _record_for(export, number)
    record, proof = item.get("record"), item.get("proof")
    if not isinstance(record, dict) or not isinstance(proof, str):
        raise LogEntryError("the certificate's entry in the process record file lacks its record or its proof")
    sealed_for = (record.get("certificate") or {}).get("number") if isinstance(record.get("certificate"), dict) else None
    if sealed_for != number:
        raise LogEntryError("the process record is not the record of this certificate")
    digest = record_sha256(record)
    at = parse_date_time_stamp(credential.get("validFrom"))

    def expected(logged: bytes | None) -> bytes:
        entry = entry_bytes(PROCESS, number, digest, at)
        if logged is not None and logged != entry:
            sealed = parse_entry(logged)
            if sealed.kind != PROCESS or sealed.number != number:
                raise LogEntryError(f"the proof is for a {sealed.kind} entry of {sealed.number}, not this record's seal")
            if sealed.credential_sha256 != digest:
                raise LogEntryError("the process record's SHA-256 differs from the one sealed in the log: "
                                    "it was changed after issue")  # fmt: skip
        return entry

    where = check_entry_inclusion(expected, proof, checkpoint, log_vkeys, witness_vkeys, quorum, now)
    return f"the process record (SHA-256 {digest[:16]}…) is the one sealed at issue: {where}"

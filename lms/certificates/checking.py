"""Checking any credential someone brings (the verify page's upload and ``POST /api/v1/verify``).

Our own certificates are checked in full by :func:`lms.credentials.verifier.verify_credential` (both proofs, our
status list, the transparency log); a credential from another issuer by :func:`lms.credentials.foreign.verify_badge`
(offline: did:key, or did:web with a DID document the user supplies). Both give a report with ``checks``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lms.certificates.services import find
from lms.credentials.badgefile import Badge, OutOfBoundsJSON, UnsupportedFormat, read_badge
from lms.credentials.foreign import verify_badge
from lms.credentials.verifier import Check, verify_credential
from lms.messages import N_, Msg
from lms.transparency import log
from lms.trust import credentials, keys

__all__ = ["BadDidDocument", "CheckResult", "OutOfBoundsJSON", "UnsupportedFormat", "check_bytes"]

MAX_DID_DOCUMENT_BYTES = 256 * 1024


class BadDidDocument(ValueError):
    """The DID document the user gave cannot be read; ``message`` translates."""

    def __init__(self, message: Msg) -> None:
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class CheckResult:
    state: str  # "verified" | "failed" | "cannot_check"
    summary: str
    checks: list[Check]
    ours: bool  # issued by this site (checked in full) or by another issuer
    report: Any

    def to_dict(self) -> dict[str, Any]:
        return {**self.report.to_dict(), "state": self.state, "summary": self.summary, "issued_here": self.ours}


def parse_did_document(text: bytes | str | None) -> dict[str, Any] | None:
    if text is None or not text.strip():
        return None
    if len(text) > MAX_DID_DOCUMENT_BYTES:
        raise BadDidDocument(N_("the DID document is larger than %(size)s KB", size=MAX_DID_DOCUMENT_BYTES // 1024))
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise BadDidDocument(N_("the DID document is not JSON")) from None
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        raise BadDidDocument(N_("the DID document is not a JSON object with an id"))
    return document


def _issuer(credential: dict[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def check_bytes(session, cfg, data: bytes, did_text: bytes | str | None, *, now: datetime) -> CheckResult:
    """Check the credential in ``data`` (JSON, JWT, PNG or SVG badge). Raises :class:`UnsupportedFormat` and
    :class:`BadDidDocument` with a message for the person who sent them."""
    badge = read_badge(data)
    did_document = parse_did_document(did_text)
    own_document = keys.did_document(session, cfg)
    if badge.kind == "json" and badge.credential is not None and _issuer(badge.credential) == own_document["id"]:
        return _our_own(session, cfg, badge, own_document, now)
    report = verify_badge(badge, did_document, now=now)
    return CheckResult(report.state, report.summary, report.checks, False, report)


def _our_own(session, cfg, badge: Badge, own_document: dict[str, Any], now: datetime) -> CheckResult:
    credential = badge.credential or {}
    subject = credential.get("credentialSubject")
    number = subject.get("licenseNumber") if isinstance(subject, dict) else None
    inclusion = None
    if isinstance(number, str):
        _checked, certificate = find(session, number)
        if certificate is not None and certificate.log_index is not None:
            inclusion = log.proof_text(session, certificate.log_index)
    state = log.state(session)
    report = verify_credential(credential, own_document, credentials.status_list_credential(session, cfg),
                               state.checkpoint if state else None, inclusion, now=now)  # fmt: skip
    failed = [c for c in report.checks if c.ok is False]
    if failed:
        return CheckResult("failed", N_("does not verify: %(reason)s", reason=failed[0].detail), report.checks, True,
                           report)  # fmt: skip
    return CheckResult("verified", N_("verified: a certificate issued by this site"), report.checks, True, report)

"""Signing each certificate as an Open Badges 3.0 credential, keeping the signed status list, logging events.

Everything here runs inside the transaction that issues, revokes or re-issues the certificate: the credential,
its status bit and its log entry are written together or not at all.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.config import Config
from lms.credentials import statuslist as sl
from lms.credentials.inclusion import credential_sha256
from lms.db import utcnow
from lms.transparency import log
from lms.transparency.entry import entry_bytes
from lms.trust import keys
from lms.trust.models import StatusList

STATUS_LIST_ID = 1
STATUS_ENTRIES = 131_072
#: Work areas of 互联网营销师 that the skills framework aligns with; a course touching them aligns the credential.
OCCUPATION_SKILLS = {"compliance", "content", "data-analysis", "platform-ops", "product-research", "supply-chain"}


def https_base(cfg: Config) -> str:
    """did:web resolves over HTTPS, so credential URLs use the site's host under https:// in every environment."""
    parts = urlsplit(cfg.base_url)
    return "https://" + parts.netloc + parts.path.rstrip("/")


def status_list_url(cfg: Config) -> str:
    return https_base(cfg) + "/credentials/status/1"


# Signing needs PyLD and jsonschema (about 8 MiB per worker): imported when a credential is signed, not at start.


def _issuer(cfg: Config):
    from lms.credentials.ob3 import IssuerInfo

    return IssuerInfo(did=keys.issuer_did(cfg), base_url=https_base(cfg))


def _locked_status_list(session: Session, cfg: Config) -> StatusList:
    """The status list row, locked until the transaction ends: indexes are handed out one at a time."""
    row = session.scalar(select(StatusList).where(StatusList.id == STATUS_LIST_ID).with_for_update())
    if row is None:
        try:
            with session.begin_nested():
                session.add(StatusList(id=STATUS_LIST_ID, allocated=0, credential=""))
                session.flush()
        except IntegrityError:
            pass  # another worker created it first: lock theirs
        row = session.scalar(select(StatusList).where(StatusList.id == STATUS_LIST_ID).with_for_update())
        assert row is not None
    if not row.credential:
        _resign_status_list(session, cfg, row, sl.new_bitstring(STATUS_ENTRIES))
    return row


def _bits(row: StatusList) -> bytearray:
    if not row.credential:
        return sl.new_bitstring(STATUS_ENTRIES)
    return sl.decode_list(json.loads(row.credential)["credentialSubject"]["encodedList"])


def _resign_status_list(session: Session, cfg: Config, row: StatusList, bits: bytearray) -> None:
    from lms.credentials import dataintegrity as di
    from lms.credentials.ob3 import format_time

    record, private = keys.active_key(session, cfg, "credential")
    now = utcnow()
    subject = sl.status_list_subject(status_list_url(cfg) + "#list", "revocation", sl.encode_list(bits))
    unsigned = sl.status_list_credential(status_list_url(cfg), keys.issuer_did(cfg), format_time(now), subject)
    signed = di.add_proof(unsigned, private, keys.verification_method(cfg, record), di.EDDSA_RDFC_2022, now,
                          as_array=True)  # fmt: skip
    signed = di.add_proof(signed, private, keys.verification_method(cfg, record), di.EDDSA_JCS_2022, now)
    row.credential = json.dumps(signed, ensure_ascii=False)
    session.flush()


def sign_certificate(
    session: Session, cfg: Config, certificate, *, required_hours: float, pass_mark: float | None,
    kind: str = "issue", superseded_number: str | None = None,
) -> None:  # fmt: skip
    """Build, sign and store the certificate's credential, give it a status bit, and log the event."""
    from lms.credentials.ob3 import CredentialInput, StatusEntry, build_credential, sign_credential

    row = _locked_status_list(session, cfg)
    index = row.allocated
    row.allocated = index + 1
    facts = CredentialInput.from_record(
        certificate,
        required_hours=required_hours,
        pass_mark=pass_mark,
        aligns_to_occupation=bool(OCCUPATION_SKILLS & {s["id"] for s in certificate.skills}),
    )
    # A random subject id: nothing about the holder (least of all the 身份证号) can be derived from it.
    unsigned = build_credential(facts, _issuer(cfg), StatusEntry(status_list_url(cfg), index), f"urn:uuid:{uuid.uuid4()}")
    record, private = keys.active_key(session, cfg, "credential")
    signed = sign_credential(unsigned, private, keys.verification_method(cfg, record), certificate.issued_at)
    certificate.credential = json.dumps(signed, ensure_ascii=False)
    certificate.credential_sha256 = credential_sha256(signed)
    certificate.status_index = index
    data = entry_bytes(kind, certificate.number, certificate.credential_sha256, certificate.issued_at,
                       superseded_number)  # fmt: skip
    certificate.log_index = log.append(session, cfg, data, certificate.id)
    session.flush()


def revoke_certificate(session: Session, cfg: Config, certificate, at: datetime) -> None:
    """Flip the certificate's status bit, re-sign the list at once, and log the revocation."""
    if certificate.status_index is not None:
        row = _locked_status_list(session, cfg)
        bits = _bits(row)
        sl.set_status(bits, certificate.status_index, 1)
        _resign_status_list(session, cfg, row, bits)
    if certificate.credential_sha256:
        log.append(session, cfg, entry_bytes("revoke", certificate.number, certificate.credential_sha256, at),
                   certificate.id)  # fmt: skip


def status_list_credential(session: Session, cfg: Config) -> dict:
    row = session.get(StatusList, STATUS_LIST_ID)
    if row is None or not row.credential:
        row = _locked_status_list(session, cfg)
    return json.loads(row.credential)

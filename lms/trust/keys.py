"""Ed25519 signing keys: created and rotated on the server, stored encrypted, published in the DID document.

The private key is encrypted with AES-256-GCM under a key derived from LMS_SIGNING_KEY_SECRET (never the Flask
secret or the personal-data key), bound to the key's public half, decrypted only to sign, never logged or served.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.config import Config
from lms.credentials.multikey import decode_public_key, encode_public_key, public_key_bytes
from lms.db import utcnow
from lms.transparency import note
from lms.transparency.identity import log_service, origin
from lms.trust.models import SigningKey

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PURPOSES = ("credential", "log")


def _aead(cfg: Config) -> AESGCM:
    # cryptography (~6 MiB per worker) loads with the first key use, not at start
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    master = base64.b64decode(cfg.signing_key_secret or "")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"lms signing keys v1").derive(master)
    return AESGCM(key)


def _seal(cfg: Config, private: Ed25519PrivateKey, public_multibase: str) -> bytes:
    import os

    from cryptography.hazmat.primitives import serialization

    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    nonce = os.urandom(12)
    return b"\x01" + nonce + _aead(cfg).encrypt(nonce, raw, public_multibase.encode())


def _open(cfg: Config, record: SigningKey) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    blob = record.private_ciphertext
    raw = _aead(cfg).decrypt(blob[1:13], blob[13:], record.public_multibase.encode())
    return Ed25519PrivateKey.from_private_bytes(raw)


def create_key(session: Session, cfg: Config, purpose: str) -> SigningKey:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown key purpose {purpose!r}")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    public = encode_public_key(private.public_key())
    record = SigningKey(purpose=purpose, public_multibase=public, private_ciphertext=_seal(cfg, private, public))
    session.add(record)
    session.flush()
    return record


def active_key(session: Session, cfg: Config, purpose: str) -> tuple[SigningKey, Ed25519PrivateKey]:
    """The current key for ``purpose`` (created on first use) and its decrypted private half."""
    record = session.scalar(
        select(SigningKey).where(SigningKey.purpose == purpose, SigningKey.retired_at.is_(None))
        .order_by(SigningKey.id.desc())
    )  # fmt: skip
    if record is None:
        record = create_key(session, cfg, purpose)
    return record, _open(cfg, record)


def ensure_keys(session: Session, cfg: Config) -> None:
    """Create the missing current keys (without decrypting the present ones, as :func:`active_key` would)."""
    present = set(session.scalars(select(SigningKey.purpose).where(SigningKey.retired_at.is_(None))))
    for purpose in PURPOSES:
        if purpose not in present:
            create_key(session, cfg, purpose)


def rotate(session: Session, cfg: Config, purpose: str) -> SigningKey:
    """Retire the current key of ``purpose`` and add a new one; retired keys stay in the DID document."""
    for record in session.scalars(
        select(SigningKey).where(SigningKey.purpose == purpose, SigningKey.retired_at.is_(None))
    ):
        record.retired_at = utcnow()
    return create_key(session, cfg, purpose)


def issuer_did(cfg: Config) -> str:
    """did:web for the site: the host, with a port as %3A, then any path segments joined by ':'."""
    parts = urlsplit(cfg.base_url)
    host = (parts.hostname or "localhost") + (f"%3A{parts.port}" if parts.port else "")
    path = [p for p in parts.path.split("/") if p]
    return ":".join(["did:web", host, *path])


def verification_method(cfg: Config, record: SigningKey) -> str:
    return f"{issuer_did(cfg)}#{record.public_multibase}"


@dataclass(frozen=True)
class PublishedKey:
    id: str
    purpose: str
    public_key: Ed25519PublicKey
    retired: bool


def did_document(session: Session, cfg: Config) -> dict:
    """The issuer's controller document: every credential key, current and retired (with ``expires``), as
    Multikey verification methods, and the log's verifier keys (C2SP vkeys) in a transparency-log service."""
    did = issuer_did(cfg)
    records = list(session.scalars(select(SigningKey).order_by(SigningKey.id)))
    credential_keys = [r for r in records if r.purpose == "credential"]
    methods = []
    for r in credential_keys:
        method = {"id": f"{did}#{r.public_multibase}", "type": "Multikey", "controller": did,
                  "publicKeyMultibase": r.public_multibase}  # fmt: skip
        if r.retired_at is not None:
            # Full precision: a proof created (whole seconds) in the second the key retired still verifies.
            method["expires"] = r.retired_at.isoformat().replace("+00:00", "Z")
        methods.append(method)
    log_vkeys = [note.vkey(origin(cfg), public_key_bytes(r.public_multibase)) for r in records if r.purpose == "log"]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
        "service": [log_service(did, cfg, log_vkeys)],
    }


def public_keys(session: Session) -> dict[str, SigningKey]:
    return {r.public_multibase: r for r in session.scalars(select(SigningKey))}


def decode(record: SigningKey) -> Ed25519PublicKey:
    return decode_public_key(record.public_multibase)

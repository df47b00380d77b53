"""Encryption and keyed hashing of personal identifiers (身份证号).

The configured PII key (never the Flask secret key) is stretched with HKDF into two independent keys: one for
AES-256-GCM encryption, one for an HMAC-SHA256 used for exact-match lookup without decrypting. Ciphertexts carry a
one-byte format version and are bound to their purpose and owner through associated data, so a ciphertext copied to
another row does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"


class PIIKeyError(ValueError):
    pass


class PIIDecryptError(ValueError):
    pass


class PIICipher:
    def __init__(self, master_key_b64: str) -> None:
        try:
            master = base64.b64decode(master_key_b64, validate=True)
        except ValueError as exc:
            raise PIIKeyError("LMS_PII_KEY is not valid base64") from exc
        if len(master) < 32:
            raise PIIKeyError("LMS_PII_KEY must decode to at least 32 bytes")
        self._master = master

    # Derived on first use: cryptography (~6 MiB per worker) loads with the first identifier, not at start.
    @cached_property
    def _aead(self) -> AESGCM:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(_derive(self._master, b"lms pii aes-256-gcm v1"))

    @cached_property
    def _mac_key(self) -> bytes:
        return _derive(self._master, b"lms pii lookup hmac v1")

    def encrypt(self, plaintext: str, *, context: str) -> bytes:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return _VERSION + nonce + sealed

    def decrypt(self, blob: bytes, *, context: str) -> str:
        if not blob or blob[:1] != _VERSION:
            raise PIIDecryptError("unknown ciphertext format")
        try:
            return self._aead.decrypt(blob[1:13], blob[13:], context.encode("utf-8")).decode("utf-8")
        except Exception as exc:  # InvalidTag: wrong key, wrong row, or altered bytes
            raise PIIDecryptError("ciphertext does not decrypt with this key and context") from exc

    def lookup_hash(self, value: str) -> str:
        """A keyed hash for exact-match search; useless without the key (no dictionary attack on 身份证号)."""
        return hmac.new(self._mac_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _derive(master: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

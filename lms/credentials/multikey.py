"""Ed25519 keys as Multikey strings (W3C Controlled Identifiers, "Multikey"; vc-di-eddsa §2.1.1).

A public key is published as `publicKeyMultibase` = "z" + base58btc(0xed 0x01 ‖ 32-byte key): such values always
start "z6Mk". The W3C test vectors also carry the secret key as "z" + base58btc(0x80 0x26 ‖ 32-byte seed); that form
must never be published or logged. Signatures (`proofValue`) are "z" + base58btc(64 bytes).

base58btc is a dozen lines, so it lives here rather than in a dependency.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "MultikeyError",
    "base58btc_decode",
    "base58btc_encode",
    "decode_public_key",
    "public_key_bytes",
    "decode_secret_key",
    "did_key_verification_method",
    "encode_public_key",
    "encode_secret_key",
    "multibase_decode",
    "multibase_encode",
    "public_key_from_did_key",
]

# Multicodec headers: the unsigned varints of 0xed (ed25519-pub) and 0x1300 (ed25519-priv).
ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"
KEY_LENGTH = 32

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}


class MultikeyError(ValueError):
    """A multibase or Multikey value is malformed, or is not the expected key type."""


def base58btc_encode(data: bytes) -> str:
    # Each leading zero byte is written as "1": the integer conversion would lose them.
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, rem = divmod(n, 58)
        out.append(_ALPHABET[rem])
    return "1" * zeros + "".join(reversed(out))


def base58btc_decode(text: str) -> bytes:
    n = 0
    for ch in text:
        if ch not in _INDEX:
            raise MultikeyError(f"not a base58btc character: {ch!r}")
        n = n * 58 + _INDEX[ch]
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    """Multibase with the base58btc prefix "z", the only base these cryptosuites allow."""
    return "z" + base58btc_encode(data)


def multibase_decode(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise MultikeyError("multibase value must be a string starting with 'z' (base58btc)")
    return base58btc_decode(value[1:])


def _split(value: str, header: bytes, what: str) -> bytes:
    raw = multibase_decode(value)
    if raw[:2] != header:
        # Refusing other headers keeps a secret key from ever being accepted as a public one (and vice versa).
        raise MultikeyError(f"not an Ed25519 {what} Multikey (multicodec header {raw[:2].hex()})")
    if len(raw) != 2 + KEY_LENGTH:
        raise MultikeyError(f"Ed25519 {what} key must be {KEY_LENGTH} bytes, got {len(raw) - 2}")
    return raw[2:]


def encode_public_key(key: Ed25519PublicKey) -> str:
    # cryptography (~6 MiB per worker) loads with the first key use, not at start
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return multibase_encode(ED25519_PUB_HEADER + raw)


def decode_public_key(value: str) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(_split(value, ED25519_PUB_HEADER, "public"))


def public_key_bytes(value: str) -> bytes:
    """The 32 raw bytes of an Ed25519 public Multikey: all a C2SP vkey needs, without loading cryptography."""
    return _split(value, ED25519_PUB_HEADER, "public")


def encode_secret_key(key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    seed = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return multibase_encode(ED25519_PRIV_HEADER + seed)


def decode_secret_key(value: str) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(_split(value, ED25519_PRIV_HEADER, "secret"))


def did_key_verification_method(key: Ed25519PublicKey) -> str:
    """`did:key:z6Mk…#z6Mk…`, the verification method form used by the W3C vectors."""
    mb = encode_public_key(key)
    return f"did:key:{mb}#{mb}"


def public_key_from_did_key(verification_method: str) -> Ed25519PublicKey | None:
    """Resolve a `did:key` Ed25519 verification method offline; None for anything else or a mismatched fragment.

    A did:key only proves self-consistency: whether the key belongs to the issuer is the caller's check.
    """
    if not verification_method.startswith("did:key:"):
        return None
    did, _, fragment = verification_method[len("did:key:") :].partition("#")
    if fragment and fragment != did:
        return None
    try:
        return decode_public_key(did)
    except (MultikeyError, ValueError):
        return None

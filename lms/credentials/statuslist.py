"""W3C Bitstring Status List v1.0 (w3c/vc-bitstring-status-list @ 74fcae11).

- A list holds at least 131,072 entries (16 KB uncompressed) so one credential hides among many ("herd privacy").
- `encodedList` = "u" (multibase base64url, no padding) + base64url(GZIP(bitstring)).
- Index 0 is the left-most bit: the most significant bit of byte 0. Entry i of `status_size` bits occupies bits
  i*status_size … i*status_size+status_size-1, most significant first.

Error classes carry the spec's error names so a verifier can report them as problem details.
"""

from __future__ import annotations

import base64
import gzip
import re
import zlib
from typing import Any

__all__ = [
    "MAX_DECODED_BYTES",
    "MIN_ENTRIES",
    "StatusListError",
    "StatusListLengthError",
    "StatusRangeError",
    "decode_list",
    "encode_list",
    "get_status",
    "new_bitstring",
    "parse_status_list_index",
    "set_status",
    "status_list_credential",
    "status_list_entry",
    "status_list_subject",
]

MIN_ENTRIES = 131_072
# A legitimate list is 16 KB to a few MB; refusing to inflate beyond this stops a GZIP bomb in a fetched list.
MAX_DECODED_BYTES = 16 * 1024 * 1024
STATUS_PURPOSES = ("revocation", "suspension", "message")

_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_DECIMAL = re.compile(r"^(0|[1-9][0-9]*)$")


class StatusListError(ValueError):
    code = "MALFORMED_VALUE_ERROR"


class StatusListLengthError(StatusListError):
    code = "STATUS_LIST_LENGTH_ERROR"


class StatusRangeError(StatusListError):
    code = "RANGE_ERROR"


def _check_size(status_size: int) -> None:
    if not isinstance(status_size, int) or not 1 <= status_size <= 8:
        raise StatusListError("statusSize must be an integer from 1 to 8")


def new_bitstring(entries: int = MIN_ENTRIES, status_size: int = 1) -> bytearray:
    """An all-zero bitstring for `entries` statuses (never fewer than MIN_ENTRIES)."""
    _check_size(status_size)
    if entries < MIN_ENTRIES:
        raise StatusListLengthError(f"a status list needs at least {MIN_ENTRIES} entries, not {entries}")
    return bytearray(-(-entries * status_size // 8))


def _check_length(bitstring: bytes | bytearray, status_size: int) -> None:
    if len(bitstring) * 8 // status_size < MIN_ENTRIES:
        raise StatusListLengthError(
            f"status list has {len(bitstring) * 8 // status_size} entries, fewer than {MIN_ENTRIES}"
        )


def encode_list(bitstring: bytes | bytearray, status_size: int = 1) -> str:
    _check_size(status_size)
    _check_length(bitstring, status_size)
    # mtime=0 makes the output a function of the bits alone, so an unchanged list re-encodes identically.
    packed = gzip.compress(bytes(bitstring), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_list(encoded: str, status_size: int = 1, *, max_bytes: int = MAX_DECODED_BYTES) -> bytearray:
    """The bitstring of an `encodedList`; raises unless it is well formed and long enough."""
    _check_size(status_size)
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("encodedList must be multibase base64url (prefix 'u')")
    body = encoded[1:]
    if not _BASE64URL.match(body) or len(body) % 4 == 1:
        raise StatusListError("encodedList is not unpadded base64url")
    packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP container only
    try:
        bits = inflater.decompress(packed, max_bytes + 1)
    except zlib.error as exc:
        raise StatusListError(f"encodedList is not GZIP data: {exc}") from exc
    if len(bits) > max_bytes:
        raise StatusListError(f"status list inflates beyond {max_bytes} bytes")
    if not inflater.eof or inflater.unused_data:
        raise StatusListError("encodedList GZIP stream is truncated or has trailing data")
    _check_length(bits, status_size)
    return bytearray(bits)


def _bit_range(bitstring: bytes | bytearray, index: int, status_size: int) -> range:
    _check_size(status_size)
    if not isinstance(index, int) or index < 0 or (index + 1) * status_size > len(bitstring) * 8:
        raise StatusRangeError(f"index {index} is outside the status list")
    return range(index * status_size, (index + 1) * status_size)


def get_status(bitstring: bytes | bytearray, index: int, status_size: int = 1) -> int:
    """The status value at `index` (0 or 1 for the usual one-bit lists)."""
    value = 0
    for bit in _bit_range(bitstring, index, status_size):
        value = (value << 1) | ((bitstring[bit // 8] >> (7 - bit % 8)) & 1)
    return value


def set_status(bitstring: bytearray, index: int, value: int | bool, status_size: int = 1) -> None:
    value = int(value)
    if not 0 <= value < 1 << status_size:
        raise StatusRangeError(f"status value {value} does not fit in {status_size} bit(s)")
    bits = _bit_range(bitstring, index, status_size)
    for offset, bit in enumerate(bits):
        mask = 0x80 >> (bit % 8)
        if (value >> (status_size - 1 - offset)) & 1:
            bitstring[bit // 8] |= mask
        else:
            bitstring[bit // 8] &= ~mask & 0xFF


def parse_status_list_index(value: object) -> int:
    """`statusListIndex` is a decimal string; anything else (numbers, signs, leading zeros) is malformed."""
    if not isinstance(value, str) or not _DECIMAL.match(value):
        raise StatusListError(f"statusListIndex must be a decimal string, got {value!r}")
    return int(value)


def status_list_subject(
    list_id: str, status_purpose: str, encoded_list: str, *, ttl_ms: int | None = None
) -> dict[str, Any]:
    """The `credentialSubject` of a BitstringStatusListCredential."""
    if status_purpose not in STATUS_PURPOSES:
        raise StatusListError(f"unknown statusPurpose {status_purpose!r}")
    subject: dict[str, Any] = {
        "id": list_id,
        "type": "BitstringStatusList",
        "statusPurpose": status_purpose,
        "encodedList": encoded_list,
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    return subject


def status_list_credential(
    credential_id: str,
    issuer: str | dict[str, Any],
    valid_from: str,
    subject: dict[str, Any],
    *,
    valid_until: str | None = None,
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential; sign it with dataintegrity.add_proof before publishing."""
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": credential_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
    }
    if valid_until is not None:
        credential["validUntil"] = valid_until
    credential["credentialSubject"] = subject
    return credential


def status_list_entry(
    list_credential_url: str, index: int, status_purpose: str = "revocation"
) -> dict[str, Any]:
    """The `credentialStatus` object a credential carries to point at its slot in a list."""
    if status_purpose not in STATUS_PURPOSES:
        raise StatusListError(f"unknown statusPurpose {status_purpose!r}")
    if not isinstance(index, int) or index < 0:
        raise StatusRangeError(f"index {index} must be a non-negative integer")
    return {
        "id": f"{list_credential_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status_purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential_url,
    }

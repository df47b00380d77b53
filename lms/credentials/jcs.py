"""RFC 8785 JSON Canonicalization Scheme, as used by the `eddsa-jcs-2022` cryptosuite.

Backed by `rfc8785` (Trail of Bits; pure Python, used by sigstore-python): it serializes numbers per ECMAScript
Number::toString, sorts keys by UTF-16 code units and escapes strings as RFC 8785 §3.2.2.2 requires. Do not swap in
`canonicaljson`: that is Matrix's canonical JSON, whose number and escaping rules differ.

Inputs outside the I-JSON domain are refused rather than guessed at: NaN/Infinity, integers beyond ±(2**53 - 1)
(a verifier in another language would round them), lone surrogates, non-string keys.
"""

from __future__ import annotations

from typing import TypeAlias

import rfc8785

__all__ = ["JcsError", "JsonValue", "canonicalize"]

JsonValue: TypeAlias = (
    None | bool | int | float | str | list["JsonValue"] | tuple["JsonValue", ...] | dict[str, "JsonValue"]
)

JcsError = rfc8785.CanonicalizationError


def canonicalize(value: JsonValue) -> bytes:
    """The canonical UTF-8 bytes of `value`; raises JcsError for values JCS cannot represent."""
    return rfc8785.dumps(value)

"""What a person brings to be verified: a JSON credential, a VC-JOSE JWT, or a baked badge image. Pure.

:func:`read_badge` finds the credential in the bytes and says where it was:

- JSON (``application/ld+json``, ``application/vc``): an object with Data Integrity proofs;
- a compact JWS (``application/vc+jwt``, Open Badges 3.0 "VC-JWT"): three base64url parts;
- a PNG with an ``iTXt`` chunk whose keyword is ``openbadgecredential`` (Open Badges 3.0 baking), holding JSON
  or a JWT, possibly zlib-compressed;
- an SVG with an ``<openbadges:credential>`` element (namespace ``https://purl.imsglobal.org/ob/v3p0``), read
  with defusedxml (no entities, no external references).

Anything else raises :class:`UnsupportedFormat`, whose message starts "unsupported format:" and says what the
bytes look like. Every size is bounded: the file, each PNG chunk, a decompressed chunk, the credential text.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any, Literal
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml

from lms.bounds import CREDENTIAL_JSON, BadJSON, parse_json
from lms.messages import N_, Msg

__all__ = ["MAX_BADGE_BYTES", "MAX_CREDENTIAL_BYTES", "Badge", "UnsupportedFormat", "read_badge"]

MAX_BADGE_BYTES = 5 * 1024 * 1024  # a baked badge image
MAX_CREDENTIAL_BYTES = 512 * 1024  # the credential inside it, once decompressed
MAX_PNG_CHUNKS = 10_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3_KEYWORD = b"openbadgecredential"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_NAMESPACE = "http://openbadges.org"
_JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_MAGIC = (
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF8", N_("a GIF image")),
    (b"%PDF", N_("a PDF document")),
    (b"PK\x03\x04", N_("a ZIP archive (or an Office document)")),
    (b"RIFF", N_("a RIFF file (WebP image or audio)")),
    (b"\x1f\x8b", N_("a gzip archive")),
)


class UnsupportedFormat(ValueError):
    """Not a credential this site can read; ``str()`` starts "unsupported format:"; ``message`` translates."""

    def __init__(self, what: Msg) -> None:
        self.message = N_("unsupported format: %(what)s", what=what)
        super().__init__(str(self.message))


class OutOfBoundsJSON(ValueError):
    """JSON past the site's limits for a credential (too deep, too large, NaN, numbers with too many digits): a bad
    request rather than an unknown format. ``str()`` says which limit, in English (API answers are English)."""


@dataclass(frozen=True)
class Badge:
    """The credential found: ``kind`` says how it is secured, ``container`` where it was."""

    kind: Literal["json", "jwt"]
    container: Literal["file", "png", "svg"]
    credential: dict[str, Any] | None  # the JSON object (kind "json")
    token: str | None  # the compact JWS (kind "jwt")

    def describe(self) -> Msg:
        if self.kind == "json":
            return {"file": N_("a JSON credential"), "png": N_("a JSON credential baked in a PNG image"),
                    "svg": N_("a JSON credential baked in an SVG image")}[self.container]  # fmt: skip
        return {"file": N_("a JWT (VC-JOSE) credential"), "png": N_("a JWT (VC-JOSE) credential baked in a PNG image"),
                "svg": N_("a JWT (VC-JOSE) credential baked in an SVG image")}[self.container]  # fmt: skip


def read_badge(data: bytes) -> Badge:
    """The credential in ``data``; :class:`UnsupportedFormat` for anything else."""
    if len(data) > MAX_BADGE_BYTES:
        raise UnsupportedFormat(N_("the file is larger than %(size)s MB", size=MAX_BADGE_BYTES // (1024 * 1024)))
    if not data.strip():
        raise UnsupportedFormat(N_("the file is empty"))
    if data.startswith(PNG_SIGNATURE):
        return _from_text(_png_credential(data), "png")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg", b"<!--")):
        return _from_text(_svg_credential(data), "svg")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedFormat(what)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnsupportedFormat(N_("binary data that is neither a PNG nor an SVG badge")) from None
    return _from_text(text, "file")


def _from_text(text: str, container: Literal["file", "png", "svg"]) -> Badge:
    text = text.strip()
    size = len(text.encode("utf-8", "surrogatepass"))
    if text.startswith(("{", "[")):
        if size > MAX_CREDENTIAL_BYTES:
            raise OutOfBoundsJSON(f"the credential is larger than {MAX_CREDENTIAL_BYTES // 1024} KB")
        credential = _bounded_json(text)
        if isinstance(credential, list):
            raise UnsupportedFormat(N_("a JSON array: verify one credential at a time"))
        if not isinstance(credential, dict):
            raise UnsupportedFormat(N_("JSON that is not an object"))
        return Badge("json", container, credential, None)
    if size > MAX_CREDENTIAL_BYTES:
        raise UnsupportedFormat(N_("the credential is larger than %(size)s KB", size=MAX_CREDENTIAL_BYTES // 1024))
    if _JWT.fullmatch(text):
        return Badge("jwt", container, None, text)
    raise UnsupportedFormat(N_("text that is neither a JSON credential nor a JWT"))


def _bounded_json(text: str) -> Any:
    """JSON within the site's limits; JSON past them is :class:`OutOfBoundsJSON`, text that is no JSON at all
    :class:`UnsupportedFormat`."""
    try:
        return parse_json(text, **CREDENTIAL_JSON)
    except BadJSON as bounds:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:  # not JSON at all
            raise UnsupportedFormat(N_("text that starts like JSON but is not valid JSON (%(error)s)", error=str(exc))) from None
        except (ValueError, RecursionError):  # JSON, but numbers too long to read or nesting too deep
            pass
        raise OutOfBoundsJSON(str(bounds)) from None  # JSON, but past a limit (depth, size, NaN, huge numbers)


def _png_credential(data: bytes) -> str:
    at, chunks, ob2 = len(PNG_SIGNATURE), 0, False
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        chunks += 1
        if chunks > MAX_PNG_CHUNKS or at + 12 + length > len(data):
            raise UnsupportedFormat(N_("a damaged PNG image (a chunk runs past the end of the file)"))
        body = data[at + 8 : at + 8 + length]
        if kind == b"iTXt":
            keyword, _, rest = body.partition(b"\0")
            if keyword == OB3_KEYWORD:
                return _itxt_text(rest)
            ob2 = ob2 or keyword == b"openbadges"
        if kind == b"IEND":
            break
        at += 12 + length
    if ob2:
        raise UnsupportedFormat(N_("an Open Badges 2.0 baked PNG (iTXt 'openbadges'); only Open Badges 3.0 is read"))
    raise UnsupportedFormat(N_("a PNG image without an Open Badges 3.0 credential (no iTXt chunk 'openbadgecredential')"))


def _itxt_text(rest: bytes) -> str:
    """The text of an iTXt chunk after its keyword: compression flag and method, language, translated keyword."""
    if len(rest) < 2:
        raise UnsupportedFormat(N_("a damaged 'openbadgecredential' iTXt chunk"))
    compressed, method = rest[0], rest[1]
    _language, _, rest = rest[2:].partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    if compressed:
        if method != 0:
            raise UnsupportedFormat(N_("an 'openbadgecredential' chunk compressed with an unknown method"))
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, MAX_CREDENTIAL_BYTES + 1)
        except zlib.error:
            raise UnsupportedFormat(N_("an 'openbadgecredential' chunk whose compressed text is damaged")) from None
        if len(text) > MAX_CREDENTIAL_BYTES or inflater.unconsumed_tail:
            raise UnsupportedFormat(N_("the credential is larger than %(size)s KB", size=MAX_CREDENTIAL_BYTES // 1024))
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsupportedFormat(N_("an 'openbadgecredential' chunk that is not UTF-8 text")) from None


def _svg_credential(data: bytes) -> str:
    try:
        root = parse_xml(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsupportedFormat(N_("an SVG that cannot be read safely (%(error)s)", error=type(exc).__name__)) from None
    except ParseError as exc:
        raise UnsupportedFormat(N_("XML that is not well-formed (%(error)s)", error=str(exc))) from None
    element = root.find(f".//{{{OB3_NAMESPACE}}}credential")
    if element is None:
        if root.find(f".//{{{OB2_NAMESPACE}}}assertion") is not None:
            raise UnsupportedFormat(N_("an Open Badges 2.0 baked SVG (<openbadges:assertion>); only 3.0 is read"))
        raise UnsupportedFormat(N_("an SVG image without an <openbadges:credential> element"))
    text = "".join(element.itertext()).strip()
    if not text:
        raise UnsupportedFormat(N_("an SVG whose <openbadges:credential> element is empty"))
    return text

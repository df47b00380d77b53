"""An offline PyLD document loader that serves only pinned, hash-checked JSON-LD contexts.

Contexts decide what an `eddsa-rdfc-2022` signature covers, so they are never fetched: each allowed URL maps to a
file in `contexts/` whose SHA-256 is recorded here (VC Data Model 2.0 asks verifiers to check contexts against
"known good cryptographic hashes"). Any other URL, and any file whose bytes do not match, raises.

Always pass `loader.jsonld_options()` to PyLD: besides the loader it carries a ContextResolver with a private cache.
PyLD's default resolver consults a process-wide cache keyed by URL *before* calling the loader, so a context cached
there by other code could otherwise bypass the pins.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyld.documentloader.base import RemoteDocument

__all__ = [
    "ACCEPTED_URLS",
    "CONTEXTS_DIR",
    "DATA_INTEGRITY_V2",
    "OB_EXTENSIONS",
    "OB_V3P0_301",
    "OB_V3P0_302",
    "OB_CREDENTIAL_CONTEXT",
    "OB_V3P0",
    "PINNED",
    "PRODUCTION_URLS",
    "TEST_VECTOR_URLS",
    "VC_EXAMPLES_V2",
    "VC_V2",
    "ContextIntegrityError",
    "ContextLoadError",
    "PinnedContext",
    "PinnedDocumentLoader",
]

CONTEXTS_DIR = Path(__file__).with_name("contexts")

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
OB_V3P0_301 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
OB_V3P0_302 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"

# The exact @context list of our Open Badges 3.0 credentials, in this order.
OB_CREDENTIAL_CONTEXT: tuple[str, ...] = (VC_V2, OB_V3P0)


@dataclass(frozen=True)
class PinnedContext:
    url: str
    filename: str
    sha256: str


# Byte-identical copies of w3c/vc-data-model @ 979c4af1 (contexts/credentials/v2, …/examples/v2) and
# 1EdTech/openbadges-specification @ 1af145ff (ob_v3p0/context-3.0.3.json); see shared/vectors/contexts/README.md.
PINNED: Mapping[str, PinnedContext] = {
    p.url: p
    for p in (
        PinnedContext(
            VC_V2, "credentials-v2.jsonld", "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
        ),
        PinnedContext(
            OB_V3P0,
            "ob-context-3.0.3.json",
            "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
        ),
        PinnedContext(
            VC_EXAMPLES_V2,
            "credentials-examples-v2.jsonld",
            "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
        ),
        # For credentials from other issuers: the contexts a real Open Badge names, as 1EdTech and the W3C serve
        # them at these URLs (copies captured from the URLs and shipped in openbadgeslib 4.6.3; see
        # docs/credentials-from-other-issuers.md).
        PinnedContext(
            OB_V3P0_301, "ob-context-3.0.1.json", "5f3d9dd6288ef437ff8286cf95ffbff609c748a66f24a1e9450c45ca64be1571"
        ),
        PinnedContext(
            OB_V3P0_302, "ob-context-3.0.2.json", "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53"
        ),
        PinnedContext(
            OB_EXTENSIONS, "ob-extensions.json", "87c06c81bc2317663bf288d740d94fddd2818c4342b186270ff6371dfaa63f93"
        ),
        PinnedContext(
            DATA_INTEGRITY_V2,
            "data-integrity-v2.jsonld",
            "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
        ),
    )
}

# The examples context is a bare @vocab that would silently give a meaning (and so a signature) to any
# misspelt property: it is for the W3C test vectors only, never for credentials we issue or accept.
PRODUCTION_URLS: tuple[str, ...] = (VC_V2, OB_V3P0)
TEST_VECTOR_URLS: tuple[str, ...] = (VC_V2, OB_V3P0, VC_EXAMPLES_V2)
# What a credential from another issuer may name: anything else "cannot be checked" (never fetched).
ACCEPTED_URLS: tuple[str, ...] = (VC_V2, OB_V3P0_301, OB_V3P0_302, OB_V3P0, OB_EXTENSIONS, DATA_INTEGRITY_V2)


class ContextLoadError(Exception):
    """A URL outside the loader's pinned set was requested."""


class ContextIntegrityError(ContextLoadError):
    """A pinned context file is missing or its bytes do not match the recorded SHA-256."""


# A plain callable, PyLD's loader contract: subclassing its DocumentLoader ABC would load all of PyLD (requests,
# lxml: ~10 MiB per worker) with the constants above, which every credential page needs and PyLD does not.
class PinnedDocumentLoader:
    """Serves `urls` (each must be in `pins`) from `directory`, checking every file's SHA-256 on first use."""

    def __init__(
        self,
        urls: Iterable[str] = PRODUCTION_URLS,
        *,
        directory: Path = CONTEXTS_DIR,
        pins: Mapping[str, PinnedContext] = PINNED,
    ) -> None:
        self._pins: dict[str, PinnedContext] = {}
        for url in urls:
            if url not in pins:
                raise ContextLoadError(f"no pinned copy of context {url}")
            self._pins[url] = pins[url]
        self._directory = directory
        self._parsed: dict[str, Any] = {}

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(self._pins)

    def _load(self, url: str) -> Any:
        if url in self._parsed:
            return self._parsed[url]
        pin = self._pins.get(url)
        if pin is None:
            raise ContextLoadError(
                f"refusing to load {url!r}: not a pinned context (contexts are never fetched)"
            )
        try:
            data = (self._directory / pin.filename).read_bytes()
        except OSError as exc:
            raise ContextIntegrityError(f"pinned context {url} unreadable: {exc}") from exc
        digest = hashlib.sha256(data).hexdigest()
        if digest != pin.sha256:
            raise ContextIntegrityError(f"pinned context {url} has SHA-256 {digest}, expected {pin.sha256}")
        self._parsed[url] = json.loads(data)
        return self._parsed[url]

    def __call__(self, url: str, options: dict[str, Any] | None = None) -> RemoteDocument:
        # A deep copy, so nothing PyLD does to the document can alter the verified original.
        document = copy.deepcopy(self._load(url))
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
        }

    def verify_all(self) -> None:
        """Check every pinned file now (at start-up) instead of on first use."""
        for url in self._pins:
            self._load(url)

    def jsonld_options(self) -> dict[str, Any]:
        """PyLD options for one operation: this loader plus a resolver whose cache nothing else shares."""
        from pyld.context_resolver import ContextResolver

        return {"documentLoader": self, "contextResolver": ContextResolver({}, self)}

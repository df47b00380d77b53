"""How the log names itself and where it publishes its keys. Pure. Format: docs/transparency-log.md.

The log's *origin* (the first line of every checkpoint, and the name of the log's key) is the site's host and path,
schema-less as C2SP asks, plus ``/certificates-log``. The log's verifier keys (C2SP vkeys) are published in the
issuer's DID document, in a service of type ``C2SPTransparencyLog`` whose endpoint is the latest checkpoint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from lms.config import Config

__all__ = ["LOG_SERVICE_TYPE", "log_service", "log_vkeys_of", "origin"]

# The DID document's service entry that publishes the log's verifier keys (docs/transparency-log.md).
LOG_SERVICE_TYPE = "C2SPTransparencyLog"


def origin(cfg: Config) -> str:
    """The checkpoint origin and log key name: the site's host and path, schema-less, as C2SP asks."""
    parts = urlsplit(cfg.base_url)
    return parts.netloc + parts.path.rstrip("/") + "/certificates-log"


def log_service(did: str, cfg: Config, vkeys: list[str]) -> dict[str, Any]:
    """The DID document's service entry naming the log's checkpoint address and its verifier keys."""
    return {"id": f"{did}#certificates-log", "type": LOG_SERVICE_TYPE,
            "serviceEndpoint": cfg.base_url.rstrip("/") + "/log/checkpoint", "verifierKeys": vkeys}  # fmt: skip


def log_vkeys_of(did_document: dict[str, Any] | None) -> list[str]:
    """The log's verifier keys (C2SP vkeys) published in the DID document's `C2SPTransparencyLog` service."""
    services = did_document.get("service") if isinstance(did_document, dict) else None
    found: list[str] = []
    for service in services if isinstance(services, list) else []:
        if isinstance(service, dict) and service.get("type") == LOG_SERVICE_TYPE:
            found.extend(k for k in service.get("verifierKeys") or [] if isinstance(k, str))
    return found

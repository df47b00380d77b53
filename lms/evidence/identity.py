"""Identity checks at the door: the interface a provider implements, and the two shipped providers. Pure.

A provider receives an :class:`IdentityRequest` (who, when, whether the host consented, and the camera snapshot
if one was taken) and returns an :class:`IdentityResult` (its verdict and whether the image may be kept). The site
stores the result, and the image only when the host gave the separate face-image consent and the provider keeps
it (encrypted, see lms/evidence/services.py). A real face-comparison or 实名核验 service plugs in as one more
provider: see docs/study-hours.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from lms.messages import N_

#: When a check happens.
AT_START, AT_RANDOM = "start", "random"
#: Verdicts.
STORED = "stored"  # the snapshot is kept for a person to review
MATCHED = "matched"  # an automatic comparison says it is the host
MISMATCH = "mismatch"  # an automatic comparison says it is not
SKIPPED = "skipped"  # no check by this provider
NO_CONSENT = "no_consent"  # the host has not consented: nothing was taken or kept
BAD_IMAGE = "bad_image"

#: How pages name a check's moment and verdict (translated where shown).
LABELS = {
    AT_START: N_("At lesson start"),
    AT_RANDOM: N_("At a random presence check"),
    STORED: N_("Kept for a person to review"),
    MATCHED: N_("Matches the host"),
    MISMATCH: N_("Does not match the host"),
    SKIPPED: N_("Not checked"),
    NO_CONSENT: N_("No consent: no image kept"),
    BAD_IMAGE: N_("The image could not be used"),
}

#: A snapshot is a JPEG of at most this many bytes (a 640×480 frame at quality 0.7 is about 40 KB).
MAX_IMAGE_BYTES = 300 * 1024


@dataclass(frozen=True)
class IdentityRequest:
    user_id: int
    moment: str
    consented: bool
    image: bytes | None = None


@dataclass(frozen=True)
class IdentityResult:
    status: str
    #: Whether the site may keep the image (never without consent, whatever a provider says).
    keep_image: bool = False
    #: A comparison score from 0 to 1, if the provider computes one.
    score: float | None = None


class IdentityProvider(Protocol):
    name: str

    def check(self, request: IdentityRequest) -> IdentityResult: ...


def is_jpeg(image: bytes | None) -> bool:
    return bool(image) and len(image) <= MAX_IMAGE_BYTES and image[:3] == b"\xff\xd8\xff" and image[-2:] == b"\xff\xd9"


class NoneProvider:
    """No identity checks: nothing is asked, nothing kept."""

    name = "none"

    def check(self, request: IdentityRequest) -> IdentityResult:
        return IdentityResult(SKIPPED)


class SnapshotProvider:
    """Keeps the consented camera snapshot for the organisation admin and the bureau to review."""

    name = "snapshot"

    def check(self, request: IdentityRequest) -> IdentityResult:
        if not request.consented:
            return IdentityResult(NO_CONSENT)
        if not is_jpeg(request.image):
            return IdentityResult(BAD_IMAGE)
        return IdentityResult(STORED, keep_image=True)


class FakeFaceProvider:
    """For tests: "compares" faces by a marker in the image bytes, as a real comparison service would answer."""

    name = "fake"

    def __init__(self, host_marker: bytes = b"HOST") -> None:
        self.host_marker = host_marker

    def check(self, request: IdentityRequest) -> IdentityResult:
        if not request.consented:
            return IdentityResult(NO_CONSENT)
        if not is_jpeg(request.image):
            return IdentityResult(BAD_IMAGE)
        matched = self.host_marker in (request.image or b"")
        return IdentityResult(MATCHED if matched else MISMATCH, keep_image=True, score=0.97 if matched else 0.12)


PROVIDERS: dict[str, type] = {"none": NoneProvider, "snapshot": SnapshotProvider, "fake": FakeFaceProvider}


def provider(name: str) -> IdentityProvider:
    return PROVIDERS[name]()

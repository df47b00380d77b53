"""Checking an Open Badges 3.0 credential from another issuer, offline. Pure: no network, Flask or database.

Our own certificates go through :mod:`lms.credentials.verifier` (both proofs, our log, our status list). A badge a
host brings from elsewhere is checked here, and the answer has three states, never a crash:

- ``verified``: the signature verifies with a key that belongs to the issuer, and the credential is in force;
- ``failed``: something was checked and is wrong (a tampered credential, a wrong key, expired…);
- ``cannot_check``: something needed is missing, and the report says what: an ``@context`` URL that is not
  pinned ("cannot be checked: unknown context URL …": contexts are never fetched), a ``did:web`` issuer whose
  DID document was not given, an issuer that is not a DID, a proof type or JWT algorithm not supported here.

Each check says what was verified and what could not be: ``format``, ``contexts``, ``signature``, ``issuer``,
``validity``, ``status``. ``ok`` is True, False, or None ("could not be checked"). Keys: ``did:key`` (Ed25519 and
P-256) is resolved offline from the DID itself; ``did:web`` only from a DID document the user supplies.
"""

from __future__ import annotations

import base64
import copy
import warnings
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import ECKey, OKPKey

from lms.bounds import CREDENTIAL_JSON, BadJSON, parse_json
from lms.messages import N_

from . import dataintegrity as di
from . import multikey as mk
from .badgefile import Badge
from .contexts import ACCEPTED_URLS, PinnedDocumentLoader
from .verifier import Check, _find_method

__all__ = ["ForeignReport", "verify_badge"]

JWT_ALGORITHMS = ("EdDSA", "Ed25519", "ES256")  # "Ed25519": RFC 9864's fully specified name for EdDSA
P256_HEADER = b"\x80\x24"  # multicodec p256-pub (0x1200) as an unsigned varint
CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential", "EndorsementCredential")
_ESSENTIAL = ("contexts", "signature", "issuer")
PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey


@dataclass(frozen=True)
class ForeignReport:
    state: str  # "verified" | "failed" | "cannot_check"
    summary: str
    checks: list[Check]
    credential: dict[str, Any] | None

    @property
    def verified(self) -> bool:
        return self.state == "verified"

    def get(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.check == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {"verified": self.verified, "state": self.state, "summary": self.summary,
                "checks": [asdict(c) for c in self.checks]}  # fmt: skip


def verify_badge(badge: Badge, did_document: dict[str, Any] | None = None, *, now: datetime) -> ForeignReport:
    """Check ``badge`` (from :func:`~lms.credentials.badgefile.read_badge`); ``did_document``: the issuer's DID
    document when the user supplied one (needed for ``did:web``)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    checks = [Check("format", True, badge.describe())]
    try:
        if badge.kind == "jwt":
            credential, more = _jwt_checks(badge.token or "", did_document, now)
        else:
            credential = copy.deepcopy(badge.credential or {})
            more = _data_integrity_checks(credential, did_document, now)
    except Exception as exc:  # noqa: BLE001 - a verifier reports; it never crashes on hostile input
        problem = N_("could not be checked: %(error)s: %(detail)s", error=type(exc).__name__, detail=str(exc))
        credential, more = None, [Check("signature", False, problem)]
    checks += more
    return _report(checks, credential)


def _report(checks: list[Check], credential: dict[str, Any] | None) -> ForeignReport:
    failed = [c for c in checks if c.ok is False]
    if failed:
        return ForeignReport("failed", N_("does not verify: %(reason)s", reason=failed[0].detail), checks, credential)
    unknown = [c for c in checks if c.ok is None and c.check in _ESSENTIAL]
    if unknown:
        return ForeignReport("cannot_check", unknown[0].detail, checks, credential)
    status = next((c for c in checks if c.check == "status"), None)
    if status is not None and status.detail.startswith("not checked"):
        summary = N_("verified: signed by the issuer's key and within its dates; whether it was revoked was not checked")
    else:
        summary = N_("verified: signed by the issuer's key and within its dates")
    return ForeignReport("verified", summary, checks, credential)


# --- shared checks ------------------------------------------------------------------------------------------------


def _contexts(credential: dict[str, Any]) -> Check:
    contexts = credential.get("@context")
    urls = contexts if isinstance(contexts, list) else [contexts]
    if not urls or not all(isinstance(u, str) for u in urls):
        return Check("contexts", False, N_("the credential's @context is missing or not a list of URLs"))
    unknown = [u for u in urls if u not in ACCEPTED_URLS]
    if unknown:
        return Check("contexts", None, N_("cannot be checked: unknown context URL %(url)s (contexts are pinned and "
                                          "never fetched)", url=unknown[0]))  # fmt: skip
    return Check("contexts", True, N_("every @context is a pinned copy: %(urls)s", urls=", ".join(urls)))


def _type_problem(credential: dict[str, Any]) -> str | None:
    types = credential.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in types:
        return N_("its type does not include VerifiableCredential")
    if not any(t in types for t in CREDENTIAL_TYPES):
        return N_("it is not an Open Badges credential (OpenBadgeCredential or AchievementCredential)")
    return None


def _issuer_id(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    return issuer if isinstance(issuer, str) else None


def _validity(credential: dict[str, Any], now: datetime, payload: dict[str, Any] | None = None) -> Check:
    start = credential.get("validFrom", credential.get("issuanceDate"))
    end = credential.get("validUntil", credential.get("expirationDate"))
    try:
        begins = di.parse_date_time_stamp(start) if start is not None else None
        ends = di.parse_date_time_stamp(end) if end is not None else None
    except di.ProofError as exc:
        return Check("validity", False, N_("validFrom/validUntil: %(error)s", error=str(exc)))
    if payload is not None:  # a JWT's own nbf/exp count too
        if isinstance(payload.get("nbf"), int | float):
            begins = max(filter(None, [begins, datetime.fromtimestamp(payload["nbf"], UTC)]))
        if isinstance(payload.get("exp"), int | float):
            ends = min(filter(None, [ends, datetime.fromtimestamp(payload["exp"], UTC)]))
    if begins is None:
        return Check("validity", False, N_("the credential says neither validFrom nor issuanceDate"))
    if begins > now + di.CLOCK_SKEW:
        return Check("validity", False, N_("not valid yet: valid from %(start)s", start=begins.isoformat()))
    if ends is not None and ends <= now:
        return Check("validity", False, N_("expired on %(end)s", end=ends.isoformat()))
    if ends is None:
        return Check("validity", True, N_("valid from %(start)s with no expiry", start=begins.isoformat()))
    return Check("validity", True, N_("valid from %(start)s until %(end)s", start=begins.isoformat(), end=ends.isoformat()))


def _status(credential: dict[str, Any]) -> Check:
    entry = credential.get("credentialStatus")
    if entry is None:
        return Check("status", None, N_("the credential has no credentialStatus: it cannot be revoked"))
    url = entry.get("statusListCredential") if isinstance(entry, dict) else None
    return Check("status", None, N_("not checked: the issuer's status list (%(url)s) is not fetched; ask the issuer "
                                    "whether it was revoked", url=url or "?"))  # fmt: skip


# --- keys ---------------------------------------------------------------------------------------------------------


def _did_of(method_id: str) -> str:
    return method_id.partition("#")[0]


def _did_key(did_url: str) -> PublicKey | None:
    """An Ed25519 or P-256 ``did:key``, resolved from the DID itself (fragment, if any, must be the same key)."""
    did, _, fragment = did_url.removeprefix("did:key:").partition("#")
    if not did_url.startswith("did:key:") or (fragment and fragment != did):
        return None
    ed = mk.public_key_from_did_key(f"did:key:{did}")
    if ed is not None:
        return ed
    try:
        raw = mk.multibase_decode(did)
    except mk.MultikeyError:
        return None
    if raw.startswith(P256_HEADER) and len(raw) == len(P256_HEADER) + 33:
        try:
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[len(P256_HEADER) :])
        except ValueError:
            return None
    return None


def _method_key(method: dict[str, Any]) -> PublicKey | None:
    """The key of a verification method: Multikey ``publicKeyMultibase`` or ``publicKeyJwk``."""
    if isinstance(method.get("publicKeyMultibase"), str):
        return _did_key("did:key:" + method["publicKeyMultibase"])
    jwk = method.get("publicKeyJwk")
    if isinstance(jwk, dict):
        try:
            imported = (OKPKey if jwk.get("kty") == "OKP" else ECKey).import_key(jwk)
        except (JoseError, ValueError, TypeError):
            return None
        key = imported.public_key
        return key if isinstance(key, Ed25519PublicKey | ec.EllipticCurvePublicKey) else None
    return None


def _resolve(method_id: str, document: dict[str, Any] | None) -> tuple[PublicKey | None, str | None]:
    """(the key, None) or (None, why it cannot be checked)."""
    if method_id.startswith("did:key:"):
        key = _did_key(method_id)
        return (key, None) if key else (None, N_("cannot be checked: %(key)s is not an Ed25519 or P-256 did:key",
                                                  key=method_id))  # fmt: skip
    if method_id.startswith("did:web:"):
        if document is None:
            return None, N_("cannot be checked: the key %(key)s is in %(did)s's DID document, which was not given "
                            "(upload or paste that did.json)", key=method_id, did=_did_of(method_id))  # fmt: skip
        method, _asserted = _find_method(document, method_id)
        if method is None:
            return None, N_("cannot be checked: %(key)s is not in the DID document given", key=method_id)
        key = _method_key(method)
        return (key, None) if key else (None, N_("cannot be checked: %(key)s has no usable public key", key=method_id))
    return None, N_("cannot be checked: the key %(key)s is neither a did:key nor a did:web key", key=method_id)


def _issuer_check(credential: dict[str, Any], method_ids: list[str], document: dict[str, Any] | None) -> Check:
    """Does the key that signed belong to the issuer?"""
    issuer = _issuer_id(credential)
    if issuer is None:
        return Check("issuer", False, N_("the credential names no issuer"))
    if not method_ids:
        return Check("issuer", None, N_("cannot be checked: no key signed the credential"))
    signers = sorted({_did_of(m) for m in method_ids})
    if not issuer.startswith(("did:key:", "did:web:")):
        return Check("issuer", None, N_("cannot be checked: the issuer %(issuer)s is not a did:key or did:web, so "
                                        "nothing ties the signing key (%(keys)s) to it", issuer=issuer,
                                        keys=", ".join(method_ids)))  # fmt: skip
    if signers != [issuer]:
        return Check("issuer", False, N_("signed by %(signers)s, which is not the issuer %(issuer)s",
                                         signers=", ".join(signers), issuer=issuer))  # fmt: skip
    if issuer.startswith("did:key:"):
        return Check("issuer", True, N_("signed by the issuer's own key %(issuer)s (did:key, checked offline)",
                                        issuer=issuer))  # fmt: skip
    if document is None:
        return Check("issuer", None, N_("cannot be checked: the issuer is %(issuer)s and its DID document was not "
                                        "given (upload or paste the issuer's did.json)", issuer=issuer))  # fmt: skip
    if document.get("id") != issuer:
        return Check("issuer", False, N_("the DID document given is for %(did)s, not the issuer %(issuer)s",
                                         did=repr(document.get("id")), issuer=issuer))  # fmt: skip
    for method_id in method_ids:
        method, asserted = _find_method(document, method_id)
        if method is None or not asserted:
            return Check("issuer", False, N_("%(key)s is not an assertionMethod in the issuer's DID document",
                                             key=method_id))  # fmt: skip
    return Check("issuer", True, N_("signed by %(keys)s, an assertionMethod of %(issuer)s (from the DID document "
                                    "given)", keys=", ".join(method_ids), issuer=issuer))  # fmt: skip


# --- Data Integrity ------------------------------------------------------------------------------------------------


def _data_integrity_checks(credential: dict[str, Any], document: dict[str, Any] | None, now: datetime) -> list[Check]:
    contexts = _contexts(credential)
    type_problem = _type_problem(credential)
    proofs = credential.get("proof")
    proofs = [] if proofs is None else proofs if isinstance(proofs, list) else [proofs]
    signature = _proof_check(credential, proofs, contexts.ok is True, document, now)
    if type_problem and signature.ok is not False:
        signature = Check("signature", None, N_("cannot be checked: %(reason)s", reason=type_problem))
    methods = [p["verificationMethod"] for p in proofs if isinstance(p, dict)
               and isinstance(p.get("verificationMethod"), str)]  # fmt: skip
    return [contexts, signature, _issuer_check(credential, methods, document), _validity(credential, now),
            _status(credential)]  # fmt: skip


def _proof_check(credential: dict[str, Any], proofs: list[Any], contexts_known: bool,
                 document: dict[str, Any] | None, now: datetime) -> Check:  # fmt: skip
    if not proofs:
        return Check("signature", False, N_("the credential has no proof: nothing shows who issued it"))
    unsupported = [p for p in proofs if not isinstance(p, dict) or p.get("type") != di.PROOF_TYPE
                   or p.get("cryptosuite") not in di.SUITES]  # fmt: skip
    if unsupported:
        first = unsupported[0]
        kind = f"{first.get('type')} / {first.get('cryptosuite')}" if isinstance(first, dict) else repr(first)
        return Check("signature", None, N_("cannot be checked: proof %(kind)s is not supported here "
                                           "(DataIntegrityProof with eddsa-rdfc-2022 or eddsa-jcs-2022 is)",
                                           kind=kind))  # fmt: skip
    if not contexts_known and any(p.get("cryptosuite") == di.EDDSA_RDFC_2022 for p in proofs):
        return Check("signature", None, N_("cannot be checked: an eddsa-rdfc-2022 proof needs every @context, and "
                                           "one is not pinned"))  # fmt: skip
    reasons: dict[str, str] = {}

    def resolve(method_id: str) -> Ed25519PublicKey | None:
        key, why = _resolve(method_id, document)
        if why:
            reasons[method_id] = why
        return key if isinstance(key, Ed25519PublicKey) else None

    results = di.verify_proofs(credential, resolve, document_loader=PinnedDocumentLoader(ACCEPTED_URLS), now=now)
    for result in results:
        if result.verification_method in reasons:
            return Check("signature", None, reasons[result.verification_method])
    bad = [r for r in results if not r.ok]
    unprocessable = [r for r in bad if r.detail.startswith("JSON-LD processing failed")]
    if unprocessable:  # e.g. OB 3.0.1 (made for VC 1.1) beside VC 2.0: its terms clash, so no signer could sign it
        return Check("signature", None, N_("cannot be checked: its @context documents cannot be used together "
                                           "(%(error)s)", error=unprocessable[0].detail.splitlines()[0]))  # fmt: skip
    if bad:
        return Check("signature", False, "; ".join(f"{r.cryptosuite}: {r.detail}" for r in bad))
    return Check("signature", True, N_("%(suite)s proof verified with %(key)s", suite=results[0].cryptosuite,
                                       key=results[0].verification_method) if len(results) == 1 else
                 "; ".join(f"{r.cryptosuite} proof verified with {r.verification_method}" for r in results))  # fmt: skip


# --- VC-JOSE (JWT) --------------------------------------------------------------------------------------------------


def _b64json(part: str) -> Any:
    """A JWT part as JSON, within the limits of every credential (BadJSON is a ValueError)."""
    return parse_json(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)), **CREDENTIAL_JSON)


def _jose_key(key: PublicKey) -> OKPKey | ECKey:
    if isinstance(key, Ed25519PublicKey):
        raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": x})
    return ECKey.import_key(key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))


def _jwt_checks(token: str, document: dict[str, Any] | None, now: datetime) -> tuple[dict[str, Any] | None, list[Check]]:
    head, body, _sig = token.split(".")
    try:
        header, payload = _b64json(head), _b64json(body)
    except BadJSON as exc:
        return None, [Check("signature", False, N_("the JWT's header or payload is not JSON the site accepts: "
                                                   "%(error)s", error=str(exc)))]  # fmt: skip
    except (ValueError, UnicodeDecodeError):
        return None, [Check("signature", False, N_("the JWT's header or payload is not base64url-encoded JSON"))]
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return None, [Check("signature", False, N_("the JWT's header or payload is not a JSON object"))]
    # VC-JOSE (VC 2.0): the payload is the credential; Open Badges' VC 1.1 JWTs carry it in the "vc" claim.
    credential = payload["vc"] if isinstance(payload.get("vc"), dict) else payload
    contexts = _contexts(credential)
    type_problem = _type_problem(credential)
    method_id = header.get("kid") if isinstance(header.get("kid"), str) else None
    signature = _jwt_signature(token, header, method_id, document)
    if type_problem and signature.ok is not False:
        signature = Check("signature", None, N_("cannot be checked: %(reason)s", reason=type_problem))
    issuer_claim = payload.get("iss")
    if isinstance(issuer_claim, str) and _issuer_id(credential) not in (None, issuer_claim):
        issuer = Check("issuer", False, N_("the JWT's iss %(iss)s differs from the credential's issuer", iss=issuer_claim))
    elif method_id is None:
        issuer = Check("issuer", None, N_("cannot be checked: the JWT names no key (kid), so nothing ties it to the "
                                          "issuer"))  # fmt: skip
    else:
        issuer = _issuer_check(credential, [method_id], document)
    return credential, [contexts, signature, issuer, _validity(credential, now, payload), _status(credential)]


def _jwt_signature(token: str, header: dict[str, Any], method_id: str | None,
                   document: dict[str, Any] | None) -> Check:  # fmt: skip
    alg = header.get("alg")
    if alg in (None, "none") or (isinstance(alg, str) and alg.startswith("HS")):
        return Check("signature", False, N_("the JWT is not signed with a public key (alg %(alg)s)", alg=repr(alg)))
    if alg not in JWT_ALGORITHMS:
        return Check("signature", None, N_("cannot be checked: JWT algorithm %(alg)s is not supported here (EdDSA "
                                           "and ES256 are)", alg=str(alg)))  # fmt: skip
    if header.get("typ") not in (None, "JWT", "vc+jwt", "vc+ld+jwt"):
        return Check("signature", False, N_("the JWT's typ %(typ)s is not a credential (vc+jwt)",
                                            typ=repr(header.get("typ"))))  # fmt: skip
    if method_id is None:
        return Check("signature", None, N_("cannot be checked: the JWT names no key (kid)"))
    key, why = _resolve(method_id, document)
    if key is None:
        return Check("signature", None, why or N_("cannot be checked"))
    if (alg != "ES256") != isinstance(key, Ed25519PublicKey):
        return Check("signature", False, N_("%(key)s is not a key for %(alg)s", key=method_id, alg=alg))
    try:
        with warnings.catch_warnings():  # Open Badges 3.0 names "EdDSA", which RFC 9864 deprecates: accepted here
            warnings.simplefilter("ignore", SecurityWarning)
            jws.deserialize_compact(token, _jose_key(key), algorithms=[alg])
    except JoseError:
        return Check("signature", False, N_("the JWT's signature does not verify: the credential was changed or "
                                            "signed with another key"))  # fmt: skip
    return Check("signature", True, N_("%(alg)s signature verified with %(key)s", alg=alg, key=method_id))

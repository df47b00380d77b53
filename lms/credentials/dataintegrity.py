"""Data Integrity proofs with the W3C EdDSA cryptosuites `eddsa-rdfc-2022` and `eddsa-jcs-2022`.

Follows vc-di-eddsa (w3c/vc-di-eddsa @ abb673eb, §3.2 and §3.3) step by step:

- transformation: RDFC-1.0 N-Quads of the document (PyLD's URDNA2015, identical output) or its JCS bytes;
- proof configuration: the proof options without `proofValue`. rdfc gives it the document's `@context`; jcs copies
  the document's `@context` into the emitted proof itself, so it is both signed and visible;
- hashing: SHA-256(canonical proof configuration) ‖ SHA-256(transformed document), 64 bytes, proof hash first;
- serialization: Ed25519 over those 64 bytes, `proofValue` = "z" + base58btc(signature).

Proof sets (Data Integrity §4.2 "Add Proof Set/Chain"): every proof signs the document with *no* `proof` property,
so proofs are independent and can be verified in any order. Chains (`previousProof`) are not produced and are
reported as unsupported when verifying.

`strict` (default on) adds this project's rule (design/certificates.md §2.6): RDF conversion silently drops
properties no context defines and relative IRIs, so an rdfc signature would not cover them. Strict mode refuses such
documents when signing and fails their rdfc proofs when verifying.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from .contexts import PinnedDocumentLoader
from .jcs import JcsError
from .jcs import canonicalize as jcs_canonicalize
from .multikey import MultikeyError, multibase_decode, multibase_encode

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "EDDSA_JCS_2022",
    "EDDSA_RDFC_2022",
    "Cryptosuite",
    "KeyResolver",
    "ProofError",
    "ProofResult",
    "UndefinedTermError",
    "add_proof",
    "all_verified",
    "canonical_document",
    "canonical_proof_config",
    "hash_data",
    "verify_proofs",
]

EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
EDDSA_JCS_2022 = "eddsa-jcs-2022"
Cryptosuite = Literal["eddsa-rdfc-2022", "eddsa-jcs-2022"]
SUITES = (EDDSA_RDFC_2022, EDDSA_JCS_2022)
PROOF_TYPE = "DataIntegrityProof"
# Tolerated difference between the signer's and the verifier's clocks when checking `created`.
CLOCK_SKEW = timedelta(minutes=5)

KeyResolver = Callable[[str], "Ed25519PublicKey | None"]

# PyLD's own test for an absolute IRI: values failing it are dropped on conversion to RDF.
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:\S*$")
_BLANK_NODE = re.compile(r"^_:\S*$")
# XML Schema dateTimeStamp: a dateTime whose time zone is mandatory.
_DATE_TIME_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class ProofError(ValueError):
    """A proof cannot be created (PROOF_GENERATION_ERROR) or the document cannot be transformed."""


class UndefinedTermError(ProofError):
    """Strict mode: RDF conversion would drop part of the document, leaving it unsigned by eddsa-rdfc-2022."""


@dataclass(frozen=True)
class ProofResult:
    cryptosuite: str | None
    verification_method: str | None
    ok: bool
    detail: str


def parse_date_time_stamp(value: object) -> datetime:
    """Parse an XML Schema dateTimeStamp (time zone required); ProofError if it is not one."""
    if not isinstance(value, str) or not _DATE_TIME_STAMP.match(value):
        raise ProofError(f"not an XML Schema dateTimeStamp: {value!r}")
    try:
        return datetime.fromisoformat(value)  # Python 3.11+ reads "Z"
    except ValueError as exc:
        raise ProofError(f"not an XML Schema dateTimeStamp: {value!r}") from exc


def _format_created(created: datetime | str) -> str:
    if isinstance(created, str):
        parse_date_time_stamp(created)
        return created
    if created.tzinfo is None:
        raise ProofError("created must be timezone-aware")
    # Whole seconds in UTC, the form of every spec example; sub-second precision carries no meaning here.
    return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _innermost(exc: BaseException) -> str:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return f"{type(exc).__name__}: {exc}"


def _check_rdf_safe(node: Any, path: str) -> None:
    # Walks expanded JSON-LD: every remaining key is a keyword or an IRI, and every @id/@type value must be an
    # absolute IRI or a blank node. PyLD resolves relative IRIs against its stand-in base
    # (http://example.org/base/) where jsonld.js keeps them relative and drops them: either way the credential
    # would not mean what it says, and other verifiers would compute a different canonical form.
    if isinstance(node, list):
        for i, item in enumerate(node):
            _check_rdf_safe(item, f"{path}[{i}]")
        return
    if not isinstance(node, dict):
        return
    from pyld import jsonld  # PyLD (with requests and lxml) loads with the first rdfc proof, not at start

    for key, value in node.items():
        if key in ("@id", "@type"):
            for v in value if isinstance(value, list) else [value]:
                if (
                    isinstance(v, str)
                    and v != "@json"
                    and (
                        v.startswith(jsonld.DEFAULT_BASE_IRI)
                        or not (_ABSOLUTE_IRI.match(v) or _BLANK_NODE.match(v))
                    )
                ):
                    raise UndefinedTermError(
                        f"{path}: {key} value {v!r} comes from a relative IRI or undefined term"
                    )
        elif key in ("@value", "@language", "@direction"):
            continue
        elif not key.startswith("@") and not _ABSOLUTE_IRI.match(key):
            raise UndefinedTermError(f"{path}: property {key!r} would be dropped from the RDF dataset")
        else:
            _check_rdf_safe(value, f"{path}/{key}")


def _rdfc(document: dict[str, Any], loader: PinnedDocumentLoader, strict: bool) -> bytes:
    def dropped(prop: str | None) -> None:
        raise UndefinedTermError(f"property {prop!r} is not defined by any @context and would not be signed")

    from pyld import jsonld  # PyLD (with requests and lxml) loads with the first rdfc proof, not at start

    try:
        processor = jsonld.JsonLdProcessor(on_property_dropped=dropped if strict else jsonld.noop)
        expanded = processor.expand(document, loader.jsonld_options())
        if strict:
            _check_rdf_safe(expanded, "")
        # Canonicalizing the expanded form equals canonicalizing the document, and avoids a second expansion.
        nquads = jsonld.normalize(
            expanded, {"algorithm": "URDNA2015", "format": "application/n-quads", **loader.jsonld_options()}
        )
    except UndefinedTermError:
        raise
    except jsonld.JsonLdError as exc:
        # PyLD wraps what our callbacks raise: surface a dropped term as itself, anything else as a ProofError.
        cause: BaseException | None = exc.__cause__
        while cause is not None:
            if isinstance(cause, UndefinedTermError):
                raise cause from None
            cause = cause.__cause__
        raise ProofError(f"JSON-LD processing failed: {_innermost(exc)}") from exc
    return str(nquads).encode("utf-8")


def _jcs(value: dict[str, Any]) -> bytes:
    try:
        return jcs_canonicalize(value)
    except JcsError as exc:
        raise ProofError(f"JCS canonicalization failed: {exc}") from exc


def _check_options(options: dict[str, Any], cryptosuite: str) -> None:
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != cryptosuite:
        raise ProofError(f"proof options must have type {PROOF_TYPE} and cryptosuite {cryptosuite}")
    if "created" in options:
        parse_date_time_stamp(options["created"])


def canonical_document(
    document: dict[str, Any],
    cryptosuite: Cryptosuite,
    *,
    document_loader: PinnedDocumentLoader | None = None,
    strict: bool = True,
) -> bytes:
    """The transformation step: canonical bytes of an unsecured document (no `proof`)."""
    if cryptosuite == EDDSA_RDFC_2022:
        return _rdfc(document, document_loader or PinnedDocumentLoader(), strict)
    if cryptosuite == EDDSA_JCS_2022:
        return _jcs(document)
    raise ProofError(f"unsupported cryptosuite {cryptosuite!r}")


def canonical_proof_config(
    proof_options: dict[str, Any],
    document: dict[str, Any],
    cryptosuite: Cryptosuite,
    *,
    document_loader: PinnedDocumentLoader | None = None,
    strict: bool = True,
) -> bytes:
    """The proof configuration step. For jcs, `proof_options` already carries the `@context` it will publish."""
    _check_options(proof_options, cryptosuite)
    config = copy.deepcopy(proof_options)
    config.pop("proofValue", None)
    if cryptosuite == EDDSA_RDFC_2022:
        if "@context" in document:
            config["@context"] = copy.deepcopy(document["@context"])
        return _rdfc(config, document_loader or PinnedDocumentLoader(), strict)
    return _jcs(config)


def hash_data(canonical_proof_config: bytes, canonical_document: bytes) -> bytes:
    return hashlib.sha256(canonical_proof_config).digest() + hashlib.sha256(canonical_document).digest()


def _existing_proofs(document: dict[str, Any]) -> list[Any]:
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def add_proof(
    document: dict[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    cryptosuite: Cryptosuite,
    created: datetime | str,
    proof_purpose: str = "assertionMethod",
    *,
    document_loader: PinnedDocumentLoader | None = None,
    strict: bool = True,
    as_array: bool = False,
) -> dict[str, Any]:
    """Return a copy of `document` with one more proof; the input is not modified.

    The first proof is a single object unless `as_array` (Open Badges 3.0's schema wants an array); adding a
    proof to a document that has one makes `proof` an array, existing proofs first.
    """
    if cryptosuite not in SUITES:
        raise ProofError(f"unsupported cryptosuite {cryptosuite!r}")
    existing = _existing_proofs(document)
    unsecured = copy.deepcopy(document)
    unsecured.pop("proof", None)

    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": _format_created(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if cryptosuite == EDDSA_JCS_2022 and "@context" in unsecured:
        proof["@context"] = copy.deepcopy(unsecured["@context"])
    opts: dict[str, Any] = {"document_loader": document_loader, "strict": strict}
    config = canonical_proof_config(proof, unsecured, cryptosuite, **opts)
    transformed = canonical_document(unsecured, cryptosuite, **opts)
    proof["proofValue"] = multibase_encode(private_key.sign(hash_data(config, transformed)))

    signed = copy.deepcopy(document)
    signed["proof"] = [*copy.deepcopy(existing), proof] if existing or as_array else proof
    return signed


def _verify_one(
    proof: Any,
    unsecured: dict[str, Any],
    secured_context: Any,
    resolve_key: KeyResolver,
    expected_proof_purpose: str,
    loader: PinnedDocumentLoader,
    strict: bool,
    now: datetime,
) -> ProofResult:
    if not isinstance(proof, dict):
        return ProofResult(None, None, False, "proof is not an object")
    suite, vm = proof.get("cryptosuite"), proof.get("verificationMethod")
    suite_s = suite if isinstance(suite, str) else None
    vm_s = vm if isinstance(vm, str) else None

    def fail(detail: str) -> ProofResult:
        return ProofResult(suite_s, vm_s, False, detail)

    if proof.get("type") != PROOF_TYPE:
        return fail(f"proof type {proof.get('type')!r} is not {PROOF_TYPE}")
    if suite not in SUITES:
        return fail(f"unsupported cryptosuite {suite!r}")
    if vm_s is None:
        return fail("verificationMethod is missing")
    if proof.get("proofPurpose") != expected_proof_purpose:
        return fail(f"proofPurpose {proof.get('proofPurpose')!r} is not {expected_proof_purpose!r}")
    if "previousProof" in proof:
        return fail("proof chains (previousProof) are not supported")
    try:
        if "created" in proof and parse_date_time_stamp(proof["created"]) > now + CLOCK_SKEW:
            return fail("created is in the future")
        if "expires" in proof and parse_date_time_stamp(proof["expires"]) <= now:
            return fail("proof has expired")
    except ProofError as exc:
        return fail(str(exc))
    try:
        signature = multibase_decode(proof.get("proofValue"))
    except MultikeyError as exc:
        return fail(f"proofValue: {exc}")
    if len(signature) != 64:
        return fail(f"proofValue must decode to 64 bytes, got {len(signature)}")

    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if suite == EDDSA_JCS_2022 and "@context" in options:
        # vc-di-eddsa §3.3.2 step 4: the document's @context must start with the proof's, in order.
        signed_ctx = options["@context"] if isinstance(options["@context"], list) else [options["@context"]]
        doc_ctx = secured_context if isinstance(secured_context, list) else [secured_context]
        if doc_ctx[: len(signed_ctx)] != signed_ctx:
            return fail("document @context does not start with the proof's @context")
        unsecured = {**unsecured, "@context": copy.deepcopy(options["@context"])}

    key = resolve_key(vm_s)
    if key is None:
        return fail("verification method could not be resolved to a public key")
    try:
        config = canonical_proof_config(options, unsecured, suite, document_loader=loader, strict=strict)
        transformed = canonical_document(unsecured, suite, document_loader=loader, strict=strict)
    except ProofError as exc:
        return fail(str(exc))
    # cryptography (~6 MiB per worker) loads with the first key use, not at start
    from cryptography.exceptions import InvalidSignature

    try:
        key.verify(signature, hash_data(config, transformed))
    except InvalidSignature:
        return fail("signature does not verify")
    return ProofResult(suite_s, vm_s, True, "signature verified")


def verify_proofs(
    document: dict[str, Any],
    resolve_key: KeyResolver,
    *,
    expected_proof_purpose: str = "assertionMethod",
    document_loader: PinnedDocumentLoader | None = None,
    strict: bool = True,
    now: datetime | None = None,
) -> list[ProofResult]:
    """One result per proof, in document order; an empty list when there is no proof.

    `resolve_key(verificationMethod)` returns the Ed25519 public key, or None if the method is unknown. Deciding
    that the key belongs to the issuer is the resolver's job.
    """
    loader = document_loader or PinnedDocumentLoader()
    unsecured = copy.deepcopy(document)
    unsecured.pop("proof", None)
    when = now or datetime.now(UTC)
    return [
        _verify_one(
            p, unsecured, document.get("@context"), resolve_key, expected_proof_purpose, loader, strict, when
        )
        for p in _existing_proofs(document)
    ]


def all_verified(results: list[ProofResult]) -> bool:
    """Our acceptance rule: at least one proof, and every proof verifies."""
    return bool(results) and all(r.ok for r in results)

"""Offline verifier for our Open Badges 3.0 certificates. Pure: needs no network, Flask or database.

`verify_credential` reports each step of design/certificates.md §5 as a named `Check`:

    schema                  OB 3.0 + VC 2.0 JSON Schemas (pinned), exact pinned @context, subject id/identifier
    proof:eddsa-rdfc-2022   the rdfc proof verifies (strict: no undefined terms) with the key it names
    proof:eddsa-jcs-2022    the jcs proof verifies with the key it names
    proof:<other>           only if present: any other proof fails (we require every proof to verify)
    issuer_key              every proof's key is a Multikey of the issuer's DID document under assertionMethod
    status                  the signed Bitstring Status List says "not revoked"
    validity                validFrom <= now (5 min clock skew), validUntil > now if present
    log_inclusion           the log entry is included under a checkpoint signed by the log key
    process_record          only when a process record file is given: the holder's process record (培训过程记录)
                            hashes to the digest sealed in the log's ``process`` entry, which is included there

`ok` is True or False, or None for "not checked": only `log_inclusion` (no inclusion proof given) and `status`
(credential without `credentialStatus`) can be None. `verified` is True when no check is False. The checks are
independent: a tampered credential names every check that caught it. Docs: docs/transparency-log.md.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lms.transparency import note
from lms.transparency.entry import LogEntryError
from lms.transparency.identity import log_vkeys_of

from . import dataintegrity as di
from . import multikey as mk
from . import statuslist as sl
from .contexts import OB_CREDENTIAL_CONTEXT
from .inclusion import check_inclusion
from .processseal import check_process_seal
from .ob3 import validate_schema

__all__ = ["CHECKS", "Check", "VerificationReport", "verify_credential"]

SUITES = (di.EDDSA_RDFC_2022, di.EDDSA_JCS_2022)
CHECKS = ("schema", *(f"proof:{s}" for s in SUITES), "issuer_key", "status", "validity", "log_inclusion")


@dataclass(frozen=True)
class Check:
    check: str
    ok: bool | None  # None: not checked
    detail: str


@dataclass(frozen=True)
class VerificationReport:
    verified: bool
    checks: list[Check]

    def get(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.check == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {"verified": self.verified, "checks": [asdict(c) for c in self.checks]}


def _issuer_id(credential: dict[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _proofs(document: dict[str, Any]) -> list[Any]:
    proof = document.get("proof")
    return [] if proof is None else list(proof) if isinstance(proof, list) else [proof]


# --- keys from the DID document ---------------------------------------------------------------------------------


def _absolute(did: str, ref: Any) -> Any:
    return did + ref if isinstance(ref, str) and ref.startswith("#") else ref


def _find_method(doc: dict[str, Any] | None, vm: str) -> tuple[dict[str, Any] | None, bool]:
    """(the verification method with id `vm`, whether it is referenced or embedded under assertionMethod)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
        return None, False
    did = doc["id"]
    listed = [m for m in doc.get("verificationMethod") or [] if isinstance(m, dict)]
    assertion = doc.get("assertionMethod") or []
    embedded = [m for m in assertion if isinstance(m, dict)]
    refs = {_absolute(did, r) for r in assertion if isinstance(r, str)}
    for method in embedded + listed:
        if _absolute(did, method.get("id")) == vm:
            return method, method in embedded or vm in refs
    return None, False


def _key_of(method: dict[str, Any] | None) -> Ed25519PublicKey | None:
    try:
        return mk.decode_public_key(method["publicKeyMultibase"]) if method else None
    except (KeyError, TypeError, ValueError):
        return None


def _signing_key_resolver(doc: dict[str, Any] | None) -> di.KeyResolver:
    """For the proof checks: the key a verification method names, wherever it is written. Whether it is the
    issuer's is the `issuer_key` check's question, so a forged proof fails there, not here."""

    def resolve(vm: str) -> Ed25519PublicKey | None:
        method, _ = _find_method(doc, vm)
        if method is not None:
            return _key_of(method)
        key = mk.public_key_from_did_key(vm)
        fragment = vm.partition("#")[2]
        if key is None and fragment.startswith(
            "z6Mk"
        ):  # <controller>#<publicKeyMultibase>, as 1EdTech accepts
            try:
                key = mk.decode_public_key(fragment)
            except ValueError:
                return None
        return key

    return resolve


def _key_problem(doc: dict[str, Any], proof: Any) -> tuple[str | None, str]:
    """(why this proof's key is not a usable issuer key, or None; a description of the key)."""
    did = doc["id"]
    vm = proof.get("verificationMethod") if isinstance(proof, dict) else None
    if not isinstance(vm, str) or not vm.startswith(did + "#"):
        return f"verification method {vm!r} is not under the issuer's DID {did}", str(vm)
    method, asserted = _find_method(doc, vm)
    if method is None:
        return f"{vm} is not in the issuer's DID document", vm
    if not asserted:
        return f"{vm} is not an assertionMethod of the issuer", vm
    if method.get("type") != "Multikey" or _absolute(did, method.get("controller")) != did:
        return f"{vm} is not a Multikey controlled by {did}", vm
    if _key_of(method) is None:
        return f"{vm} has no valid Ed25519 publicKeyMultibase", vm
    if "revoked" in method:
        return f"{vm} was revoked at {method['revoked']}: none of its signatures are accepted", vm
    if "expires" in method:
        # A retired key (Controlled Identifiers `expires`): proofs made before it expired still verify.
        try:
            created = di.parse_date_time_stamp(proof.get("created"))
            expires = di.parse_date_time_stamp(method["expires"])
        except di.ProofError as exc:
            return f"{vm} is retired and the proof's creation time cannot be compared: {exc}", vm
        if created >= expires:
            return f"{vm} was retired at {method['expires']}, before this proof was created", vm
        return None, f"{vm} (retired at {method['expires']}, signed before)"
    return None, f"{vm} (current)"


def _issuer_resolver(doc: dict[str, Any]) -> di.KeyResolver:
    def resolve(vm: str) -> Ed25519PublicKey | None:
        method, asserted = _find_method(doc, vm)
        return _key_of(method) if asserted and vm.startswith(doc["id"] + "#") else None

    return resolve


# --- the checks --------------------------------------------------------------------------------------------------


def _check_schema(credential: dict[str, Any]) -> Check:
    errors = validate_schema(credential)
    if credential.get("@context") != list(OB_CREDENTIAL_CONTEXT):
        errors.insert(0, f"$.@context: must be exactly {list(OB_CREDENTIAL_CONTEXT)} (the pinned contexts)")
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and "identifier" not in subject:
        errors.append("$.credentialSubject: needs an id or an identifier")
    if not errors:
        return Check("schema", True, "valid against the pinned OB 3.0 and VC 2.0 schemas")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return Check("schema", False, "; ".join(errors[:5]) + more)


def _check_proofs(credential: dict[str, Any], doc: dict[str, Any] | None, now: datetime) -> list[Check]:
    results = di.verify_proofs(credential, _signing_key_resolver(doc), now=now)
    checks = []
    for suite in dict.fromkeys([*SUITES, *(r.cryptosuite or "unknown" for r in results)]):
        mine = [r for r in results if (r.cryptosuite or "unknown") == suite]
        if not mine:
            checks.append(Check(f"proof:{suite}", False, f"no {suite} proof"))
            continue
        ok = all(r.ok for r in mine) and suite in SUITES
        details = [f"{r.detail} ({r.verification_method})" for r in mine]
        checks.append(Check(f"proof:{suite}", ok, "; ".join(details)))
    return checks


def _check_issuer_key(credential: dict[str, Any], doc: dict[str, Any] | None) -> Check:
    issuer = _issuer_id(credential)
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
        return Check("issuer_key", False, f"no DID document given for the issuer {issuer!r}")
    if doc["id"] != issuer:
        return Check("issuer_key", False, f"the DID document is for {doc['id']}, the issuer is {issuer!r}")
    proofs = _proofs(credential)
    if not proofs:
        return Check("issuer_key", False, "the credential has no proof")
    problems, keys = [], []
    for proof in proofs:
        problem, described = _key_problem(doc, proof)
        if problem:
            problems.append(problem)
        elif described not in keys:
            keys.append(described)
    if problems:
        return Check("issuer_key", False, "; ".join(dict.fromkeys(problems)))
    return Check("issuer_key", True, "issuer key " + ", ".join(keys))


def _check_status(
    credential: dict[str, Any], doc: dict[str, Any] | None, status_list: dict[str, Any] | None, now: datetime
) -> Check:
    def fail(detail: str, code: str = "STATUS_VERIFICATION_ERROR") -> Check:
        return Check("status", False, f"{detail} ({code})")

    entry = credential.get("credentialStatus")
    if entry is None:
        return Check("status", None, "not checked: the credential has no credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return fail("credentialStatus is not a single BitstringStatusListEntry", "MALFORMED_VALUE_ERROR")
    url = entry.get("statusListCredential")
    if not isinstance(status_list, dict):
        return fail(f"status list credential {url} not provided", "STATUS_RETRIEVAL_ERROR")
    if status_list.get("id") != url:
        return fail(f"the status list given is {status_list.get('id')!r}, the credential names {url!r}")
    types = status_list.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        return fail("the status list is not a BitstringStatusListCredential")
    issuer = _issuer_id(credential)
    if not isinstance(doc, dict) or doc.get("id") != issuer or _issuer_id(status_list) != issuer:
        return fail("the status list and the credential are not both issued by the DID document's subject")
    results = di.verify_proofs(status_list, _issuer_resolver(doc), now=now)
    if not di.all_verified(results):
        bad = [r.detail for r in results if not r.ok] or ["it has no proof"]
        return fail("the status list's proof does not verify with an issuer key: " + "; ".join(bad))
    key_problems = [p for p in (_key_problem(doc, proof)[0] for proof in _proofs(status_list)) if p]
    if key_problems:
        return fail("the status list's key: " + "; ".join(key_problems))
    try:
        valid_from = di.parse_date_time_stamp(status_list.get("validFrom"))
        if valid_from > now + di.CLOCK_SKEW:
            return fail("the status list is not valid yet")
        if "validUntil" in status_list and di.parse_date_time_stamp(status_list["validUntil"]) <= now:
            return fail("the status list has expired; fetch a fresh one", "STATUS_RETRIEVAL_ERROR")
    except di.ProofError as exc:
        return fail(f"status list validity: {exc}", "MALFORMED_VALUE_ERROR")
    subject = status_list.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("statusPurpose") != entry.get("statusPurpose"):
        return fail("the status list's statusPurpose does not match the credential's entry")
    try:
        size = entry.get("statusSize", 1)
        index = sl.parse_status_list_index(entry.get("statusListIndex"))
        value = sl.get_status(sl.decode_list(subject.get("encodedList"), size), index, size)
    except sl.StatusListError as exc:
        return fail(str(exc), exc.code)
    purpose = entry.get("statusPurpose")
    if value:
        word = "revoked" if purpose == "revocation" else f"{purpose} status set"
        return Check("status", False, f"{word}: index {index} of {url} is {value}")
    return Check(
        "status", True, f"not {'revoked' if purpose == 'revocation' else purpose}: index {index} of {url}"
    )


def _check_validity(credential: dict[str, Any], now: datetime) -> Check:
    try:
        valid_from = di.parse_date_time_stamp(credential.get("validFrom"))
        valid_until = (
            di.parse_date_time_stamp(credential["validUntil"]) if "validUntil" in credential else None
        )
    except di.ProofError as exc:
        return Check("validity", False, f"validFrom/validUntil: {exc}")
    if valid_from > now + di.CLOCK_SKEW:
        return Check("validity", False, f"not valid yet: validFrom {credential['validFrom']}")
    if valid_until is not None and valid_until <= now:
        return Check("validity", False, f"expired: validUntil {credential['validUntil']}")
    until = f"until {credential['validUntil']}" if valid_until else "with no expiry"
    return Check("validity", True, f"valid from {credential['validFrom']} {until}")


def _check_log(
    credential: dict[str, Any],
    doc: dict[str, Any] | None,
    checkpoint: str | None,
    inclusion_proof: str | None,
    log_vkeys: Sequence[str] | None,
    witness_vkeys: Sequence[str],
    quorum: int,
    now: datetime,
) -> Check:
    if inclusion_proof is None:
        return Check("log_inclusion", None, "not checked: no inclusion proof given (pending log inclusion?)")
    vkeys = log_vkeys_of(doc) if log_vkeys is None else log_vkeys
    try:
        detail = check_inclusion(
            credential, inclusion_proof, checkpoint, vkeys, witness_vkeys, quorum, now
        )
    except (note.NoteError, LogEntryError, di.ProofError) as exc:
        return Check("log_inclusion", False, str(exc))
    return Check("log_inclusion", True, detail)


def _check_process(credential: dict[str, Any], doc: dict[str, Any] | None, export: Any, checkpoint: str | None,
                   log_vkeys: Sequence[str] | None, now: datetime) -> Check:  # fmt: skip
    vkeys = log_vkeys_of(doc) if log_vkeys is None else log_vkeys
    try:
        detail = check_process_seal(credential, export, checkpoint, vkeys, now=now)
    except (note.NoteError, LogEntryError, di.ProofError) as exc:
        return Check("process_record", False, str(exc))
    return Check("process_record", True, detail)


def _safe(names: str | tuple[str, ...], run: Callable[[], Check | list[Check]]) -> list[Check]:
    try:
        result = run()
    except Exception as exc:  # noqa: BLE001 - a verifier reports; it never crashes on hostile input
        detail = f"could not be checked: {type(exc).__name__}: {exc}"
        return [Check(name, False, detail) for name in ((names,) if isinstance(names, str) else names)]
    return result if isinstance(result, list) else [result]


def verify_credential(
    credential: dict[str, Any],
    did_document: dict[str, Any] | None,
    status_list_credential: dict[str, Any] | None = None,
    checkpoint: str | None = None,
    inclusion_proof: str | None = None,
    *,
    log_vkeys: Sequence[str] | None = None,
    witness_vkeys: Sequence[str] = (),
    witness_quorum: int = 0,
    process_export: Any = None,
    now: datetime,
) -> VerificationReport:
    """Verify one credential offline, with everything it depends on passed in.

    `did_document`: the issuer's did.json. `status_list_credential`: the list its credentialStatus names.
    `inclusion_proof`: a C2SP tlog-proof; `checkpoint`: a signed checkpoint, used when the proof text carries
    none and otherwise required to match the one it carries. `log_vkeys`: the log keys to trust (vkeys); by
    default those in the DID document. `witness_vkeys` / `witness_quorum`: cosignature policy.
    `process_export`: a process record file (lms.credentials.processseal); given, the `process_record` check runs.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not isinstance(credential, dict):
        return VerificationReport(False, [Check(name, False, "not a JSON object") for name in CHECKS])
    credential = copy.deepcopy(credential)
    checks = [
        *_safe("schema", lambda: _check_schema(credential)),
        *_safe(CHECKS[1:3], lambda: _check_proofs(credential, did_document, now)),
        *_safe("issuer_key", lambda: _check_issuer_key(credential, did_document)),
        *_safe("status", lambda: _check_status(credential, did_document, status_list_credential, now)),
        *_safe("validity", lambda: _check_validity(credential, now)),
        *_safe(
            "log_inclusion",
            lambda: _check_log(
                credential,
                did_document,
                checkpoint,
                inclusion_proof,
                log_vkeys,
                witness_vkeys,
                witness_quorum,
                now,
            ),
        ),
    ]
    if process_export is not None:
        checks += _safe("process_record", lambda: _check_process(credential, did_document, process_export, checkpoint,
                                                                 log_vkeys, now))  # fmt: skip
    return VerificationReport(all(c.ok is not False for c in checks), checks)

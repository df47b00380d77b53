"""Public trust endpoints: the DID document, the status list, the log (checkpoint, entries, consistency, inclusion
proofs) and verification of a credential sent by anyone."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from lms.certificates import note, tlog
from lms.certificates.services import find
from lms.credentials.verifier import verify_credential
from lms.db import get_session, utcnow
from lms.extensions import csrf, limiter
from lms.security.access import PUBLIC, rule
from lms.security.bounds import CREDENTIAL_JSON, BadJSON, parse_json, whole_number
from lms.trust import credentials, keys, log

bp = Blueprint("trust", __name__)
MAX_ENTRIES = 1000


def _cfg():
    return current_app.config["LMS"]


def _json_error(status: int, detail: str):
    return jsonify({"error": {"status": status, "title": "Bad request" if status == 400 else "Not found",
                              "detail": detail}}), status  # fmt: skip


@bp.get("/.well-known/did.json")
@rule(PUBLIC)
def did_json():
    session = get_session()
    keys.active_key(session, _cfg(), "credential")  # a new site publishes its keys from the first request
    keys.active_key(session, _cfg(), "log")
    session.commit()
    return jsonify(keys.did_document(session, _cfg()))


@bp.get("/credentials/status/1")
@rule(PUBLIC)
def status_list():
    session = get_session()
    body = credentials.status_list_credential(session, _cfg())
    session.commit()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-cache"  # a revocation must be visible at once
    return response


def _checkpoint() -> str | None:
    state = log.state(get_session())
    return state.checkpoint if state else None


@bp.get("/log/checkpoint")
@rule(PUBLIC)
def checkpoint():
    text = _checkpoint()
    if text is None:
        return Response("the log is empty\n", status=404, mimetype="text/plain")
    return Response(text, mimetype="text/plain; charset=utf-8", headers={"Cache-Control": "no-cache"})


@bp.get("/api/v1/certificates/<number>/proof")
@rule(PUBLIC)
@limiter.limit("60 per minute")
def inclusion_proof(number: str):
    session = get_session()
    _checked, certificate = find(session, number[:60])
    if certificate is None or certificate.log_index is None:
        return _json_error(404, "unknown certificate number, or not in the log")
    return Response(_proof_text(session, certificate.log_index), mimetype="text/plain; charset=utf-8")


def _proof_text(session, index: int) -> str:
    """C2SP tlog-proof for entry ``index`` against the current checkpoint; the entry bytes ride in ``extra``."""
    state = log.state(session)
    entry = log.entries(session, index, index + 1)[0]
    hashes = tlog.inclusion_proof(log.DbNodeStore(session), entry.index, state.size)
    return note.format_proof(note.TlogProof(entry.index, tuple(hashes), state.checkpoint, extra=entry.data))


@bp.get("/api/v1/log/entries")
@rule(PUBLIC)
@limiter.limit("120 per minute")
def log_entries():
    session = get_session()
    size = log.state(session).size if log.state(session) else 0
    start, end = whole_number(request.args.get("start", "0")), whole_number(request.args.get("end", ""))
    if start is None or end is None:
        return _json_error(400, "start and end are whole numbers: entries start..end-1")
    first, last = start, min(end, size)
    if first > last or last - first > MAX_ENTRIES:
        return _json_error(400, f"ask for 0 to {MAX_ENTRIES} entries with start <= end (the log has {size})")
    rows = log.entries(session, first, last)
    return jsonify({"entries": [{"index": e.index, "data": log.b64(e.data)} for e in rows]})


@bp.get("/api/v1/log/consistency")
@rule(PUBLIC)
@limiter.limit("120 per minute")
def log_consistency():
    session = get_session()
    size = log.state(session).size if log.state(session) else 0
    first, second = whole_number(request.args.get("first", "")), whole_number(request.args.get("second", ""))
    if first is None or second is None or not 0 < first <= second <= size:
        return _json_error(400, f"need 0 < first <= second <= {size} (the current tree size)")
    proof = tlog.consistency_proof(log.DbNodeStore(session), first, second)
    return jsonify({"first": first, "second": second, "proof": [log.b64(h) for h in proof]})


@bp.post("/api/v1/verify")
@rule(PUBLIC)
@csrf.exempt
@limiter.limit("30 per minute")
def verify():
    """Check a credential sent as the body: schema, proofs, issuer key, status, validity, log inclusion."""
    try:
        credential = parse_json(request.get_data(), **CREDENTIAL_JSON)
    except BadJSON as exc:
        return _json_error(400, f"the body must be a JSON credential: {exc}")
    if not isinstance(credential, dict):
        return _json_error(400, "the body must be a JSON object (an OpenBadgeCredential)")
    session = get_session()
    cfg = _cfg()
    proof_text = None
    number = (credential.get("credentialSubject") or {}).get("licenseNumber") if isinstance(
        credential.get("credentialSubject"), dict) else None  # fmt: skip
    if isinstance(number, str):
        _checked, certificate = find(session, number)
        if certificate is not None and certificate.log_index is not None:
            proof_text = _proof_text(session, certificate.log_index)
    report = verify_credential(
        credential, keys.did_document(session, cfg), credentials.status_list_credential(session, cfg),
        _checkpoint(), proof_text, now=utcnow(),
    )  # fmt: skip
    return jsonify(report.to_dict())

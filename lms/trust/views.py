"""Public trust endpoints: the DID document, the status list, the log (checkpoint, entries, consistency, inclusion
proofs) and verification of a credential sent by anyone."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, current_app, jsonify, request

from lms import cache
from lms.certificates import note, tlog
from lms.certificates.services import find
from lms.db import get_session, utcnow
from lms.extensions import csrf, limiter
from lms.security.access import PUBLIC, rule
from lms.trust import credentials, keys, log

bp = Blueprint("trust", __name__)
MAX_ENTRIES = 1000


def _cfg():
    return current_app.config["LMS"]


def _json_error(status: int, detail: str):
    return jsonify({"error": {"status": status, "title": "Bad request" if status == 400 else "Not found",
                              "detail": detail}}), status  # fmt: skip


def _published(topic: str, make, mimetype: str) -> Response:
    """A public document from the shared cache (made when missing), with an ETag: a client that has it gets a 304.
    ``no-cache``: clients ask again each time, so a revocation or a new checkpoint is seen at once."""
    found = cache.cached(topic, "document", lambda: _tagged(make()))
    if found is None:
        return Response("the log is empty\n", status=404, mimetype="text/plain")
    etag, body = found
    response = Response(body, mimetype=mimetype, headers={"Cache-Control": "no-cache"})
    response.set_etag(etag)
    return response.make_conditional(request)


def _tagged(body: str | None) -> tuple[str, str] | None:
    return None if body is None else (hashlib.sha256(body.encode()).hexdigest()[:32], body)


def _did_document() -> str:
    session = get_session()
    keys.ensure_keys(session, _cfg())  # a new site publishes its keys from the first request
    session.commit()
    return current_app.json.dumps(keys.did_document(session, _cfg()))


def _status_list() -> str:
    session = get_session()
    body = credentials.status_list_credential(session, _cfg())
    session.commit()
    return current_app.json.dumps(body)


def _checkpoint() -> str | None:
    state = log.state(get_session())
    return state.checkpoint if state else None


@bp.get("/.well-known/did.json")
@rule(PUBLIC)
def did_json():
    return _published(cache.KEYS, _did_document, "application/json")


@bp.get("/credentials/status/1")
@rule(PUBLIC)
def status_list():
    return _published(cache.STATUS, _status_list, "application/json")


@bp.get("/log/checkpoint")
@rule(PUBLIC)
def checkpoint():
    return _published(cache.LOG, _checkpoint, "text/plain; charset=utf-8")


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
    start, end = request.args.get("start", "0"), request.args.get("end", "")
    if not start.isdigit() or not end.isdigit():
        return _json_error(400, "start and end are whole numbers: entries start..end-1")
    first, last = int(start), min(int(end), size)
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
    first, second = request.args.get("first", ""), request.args.get("second", "")
    if not first.isdigit() or not second.isdigit() or not 0 < int(first) <= int(second) <= size:
        return _json_error(400, f"need 0 < first <= second <= {size} (the current tree size)")
    proof = tlog.consistency_proof(log.DbNodeStore(session), int(first), int(second))
    return jsonify({"first": int(first), "second": int(second), "proof": [log.b64(h) for h in proof]})


@bp.post("/api/v1/verify")
@rule(PUBLIC)
@csrf.exempt
@limiter.limit("30 per minute")
def verify():
    """Check a credential sent as the body: schema, proofs, issuer key, status, validity, log inclusion."""
    from lms.credentials.verifier import verify_credential  # PyLD and jsonschema: loaded on the first check

    try:
        credential = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        return _json_error(400, "the body must be a JSON credential")
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

"""Public trust endpoints: the DID document, the status list, the log (checkpoint, entries, consistency, inclusion
proofs) and verification of a credential sent by anyone."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from lms.certificates import tlog
from lms.certificates.services import find
from lms.db import get_session, utcnow
from lms.extensions import csrf, limiter
from lms.security.access import PUBLIC, rule
from lms.trust import checking, credentials, keys, log

bp = Blueprint("trust", __name__)
MAX_ENTRIES = 1000
MAX_VERIFY_BODY = 6 * 1024 * 1024  # a baked badge image of up to 5 MB, with room for the form around it


def _cfg():
    return current_app.config["LMS"]


def _json_error(status: int, detail: str):
    titles = {400: "Bad request", 404: "Not found", 413: "Too large", 415: "Unsupported format"}
    return jsonify({"error": {"status": status, "title": titles.get(status, "Bad request"), "detail": detail}}), status


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
    return Response(checking.proof_text(session, certificate.log_index), mimetype="text/plain; charset=utf-8")


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
    """Check a credential: JSON, a VC-JOSE JWT, or a baked PNG/SVG badge, sent as the body or as the multipart
    field ``credential`` (with an optional ``did_document`` for a did:web issuer). Our own certificates get every
    check (schema, both proofs, issuer key, status, validity, log inclusion); other issuers' are checked offline."""
    if request.content_length and request.content_length > MAX_VERIFY_BODY:
        return _json_error(413, "unsupported format: the upload is larger than 6 MB")
    did_text = None
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("credential")
        data = upload.read(MAX_VERIFY_BODY) if upload else (request.form.get("credential") or "").encode()
        did_upload = request.files.get("did_document")
        did_text = did_upload.read(MAX_VERIFY_BODY) if did_upload else request.form.get("did_document")
    else:
        data = request.get_data(cache=False)
    if not data.strip():
        return _json_error(400, "no credential: send it as the body (JSON, JWT, PNG or SVG) or as the multipart "
                                "field 'credential'")  # fmt: skip
    try:
        result = checking.check_bytes(get_session(), _cfg(), data, did_text, now=utcnow())
    except checking.UnsupportedFormat as exc:
        return _json_error(415, str(exc))
    except checking.BadDidDocument as exc:
        return _json_error(400, f"did_document: {exc}")
    return jsonify(result.to_dict())

"""The transparency log's public endpoints: the signed checkpoint, entries, consistency proofs and a certificate's
inclusion proof. Formats: docs/transparency-log.md."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from lms import cache
from lms.certificates.services import find
from lms.db import get_session
from lms.extensions import limiter
from lms.security.access import PUBLIC, rule
from lms.bounds import whole_number
from lms.transparency import log, merkle

bp = Blueprint("transparency", __name__)
MAX_ENTRIES = 1000


def json_error(status: int, detail: str):
    titles = {400: "Bad request", 404: "Not found", 413: "Too large", 415: "Unsupported format"}
    return jsonify({"error": {"status": status, "title": titles.get(status, "Bad request"), "detail": detail}}), status


@bp.get("/log/checkpoint")
@rule(PUBLIC)
def checkpoint():
    return cache.published(cache.LOG, lambda: log.checkpoint(get_session()), "text/plain; charset=utf-8")


@bp.get("/api/v1/certificates/<number>/proof")
@rule(PUBLIC)
@limiter.limit("60 per minute")
def inclusion_proof(number: str):
    session = get_session()
    _checked, certificate = find(session, number[:60])
    if certificate is None or certificate.log_index is None:
        return json_error(404, "unknown certificate number, or not in the log")
    return Response(log.proof_text(session, certificate.log_index), mimetype="text/plain; charset=utf-8")


@bp.get("/api/v1/log/entries")
@rule(PUBLIC)
@limiter.limit("120 per minute")
def log_entries():
    session = get_session()
    size = log.state(session).size if log.state(session) else 0
    start, end = whole_number(request.args.get("start", "0")), whole_number(request.args.get("end", ""))
    if start is None or end is None:
        return json_error(400, "start and end are whole numbers: entries start..end-1")
    first, last = start, min(end, size)
    if first > last or last - first > MAX_ENTRIES:
        return json_error(400, f"ask for 0 to {MAX_ENTRIES} entries with start <= end (the log has {size})")
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
        return json_error(400, f"need 0 < first <= second <= {size} (the current tree size)")
    proof = merkle.consistency_proof(log.DbNodeStore(session), first, second)
    return jsonify({"first": first, "second": second, "proof": [log.b64(h) for h in proof]})

"""Public trust endpoints: the DID document, the status list and verification of a credential sent by anyone.
The log's endpoints (checkpoint, entries, consistency and inclusion proofs) are in lms.transparency.views."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from lms.certificates.services import find
from lms.credentials.verifier import verify_credential
from lms.db import get_session, utcnow
from lms.extensions import csrf, limiter
from lms.security.access import PUBLIC, rule
from lms.bounds import CREDENTIAL_JSON, BadJSON, parse_json
from lms.transparency import log
from lms.transparency.views import json_error
from lms.trust import credentials, keys

bp = Blueprint("trust", __name__)


def _cfg():
    return current_app.config["LMS"]


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


@bp.post("/api/v1/verify")
@rule(PUBLIC)
@csrf.exempt
@limiter.limit("30 per minute")
def verify():
    """Check a credential sent as the body: schema, proofs, issuer key, status, validity, log inclusion."""
    try:
        credential = parse_json(request.get_data(), **CREDENTIAL_JSON)
    except BadJSON as exc:
        return json_error(400, f"the body must be a JSON credential: {exc}")
    if not isinstance(credential, dict):
        return json_error(400, "the body must be a JSON object (an OpenBadgeCredential)")
    session = get_session()
    cfg = _cfg()
    proof_text = None
    number = (credential.get("credentialSubject") or {}).get("licenseNumber") if isinstance(
        credential.get("credentialSubject"), dict) else None  # fmt: skip
    if isinstance(number, str):
        _checked, certificate = find(session, number)
        if certificate is not None and certificate.log_index is not None:
            proof_text = log.proof_text(session, certificate.log_index)
    report = verify_credential(
        credential, keys.did_document(session, cfg), credentials.status_list_credential(session, cfg),
        log.checkpoint(session), proof_text, now=utcnow(),
    )  # fmt: skip
    return jsonify(report.to_dict())

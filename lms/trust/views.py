"""Public trust endpoints: the DID document, the status list and verification of a credential sent by anyone.
The log's endpoints (checkpoint, entries, consistency and inclusion proofs) are in lms.transparency.views."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from lms import cache
from lms.db import get_session, utcnow
from lms.extensions import csrf, limiter
from lms.security.access import PUBLIC, rule
from lms.transparency.views import json_error
from lms.trust import credentials, keys

bp = Blueprint("trust", __name__)
MAX_VERIFY_BODY = 6 * 1024 * 1024  # a baked badge image of up to 5 MB, with room for the form around it


def _cfg():
    return current_app.config["LMS"]


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


@bp.get("/.well-known/did.json")
@rule(PUBLIC)
def did_json():
    return cache.published(cache.KEYS, _did_document, "application/json")


@bp.get("/credentials/status/1")
@rule(PUBLIC)
def status_list():
    return cache.published(cache.STATUS, _status_list, "application/json")


@bp.post("/api/v1/verify")
@rule(PUBLIC)
@csrf.exempt
@limiter.limit("30 per minute")
def verify():
    """Check a credential: JSON, a VC-JOSE JWT, or a baked PNG/SVG badge, sent as the body or as the multipart
    field ``credential`` (with an optional ``did_document`` for a did:web issuer). Our own certificates get every
    check (schema, both proofs, issuer key, status, validity, log inclusion); other issuers' are checked offline."""
    if request.content_length and request.content_length > MAX_VERIFY_BODY:
        return json_error(413, "unsupported format: the upload is larger than 6 MB")
    did_text = None
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("credential")
        data = upload.read(MAX_VERIFY_BODY) if upload else (request.form.get("credential") or "").encode()
        did_upload = request.files.get("did_document")
        did_text = did_upload.read(MAX_VERIFY_BODY) if did_upload else request.form.get("did_document")
    else:
        data = request.get_data(cache=False)
    if not data.strip():
        return json_error(400, "no credential: send it as the body (JSON, JWT, PNG or SVG) or as the multipart "
                                "field 'credential'")  # fmt: skip
    # Checking loads PyLD, jsonschema and JOSE (about 17 MiB per worker): on the first check, not at start.
    from lms.certificates import checking

    try:
        result = checking.check_bytes(get_session(), _cfg(), data, did_text, now=utcnow())
    except checking.OutOfBoundsJSON as exc:
        return json_error(400, f"the body must be a JSON credential within the limits: {exc}")
    except checking.UnsupportedFormat as exc:
        return json_error(415, str(exc))
    except checking.BadDidDocument as exc:
        return json_error(400, f"did_document: {exc}")
    return jsonify(result.to_dict())

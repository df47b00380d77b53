"""The OpenAPI 3.1 description of every /api/v1/ endpoint, served at /api/openapi.json (kept true by a test)."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "detail"],
            "properties": {
                "status": {"type": "integer"},
                "title": {"type": "string"},
                "detail": {"type": "string"},
                "request_id": {"type": "string"},
            },
        }
    },
}

CERTIFICATE = {
    "type": "object",
    "required": ["number", "status", "holder", "course", "hours", "score", "issued_at", "issuer", "revocation"],
    "properties": {
        "number": {"type": "string", "pattern": "^[2-9A-HJKMNP-TV-Y]{5}-[2-9A-HJKMNP-TV-Y]{5}-[2-9A-HJKMNP-TV-Y]{5}$",
                   "description": "Grouped number; the last character is a check character."},
        "status": {"type": "string", "enum": ["valid", "revoked", "superseded"]},
        "holder": {
            "type": "object",
            "required": ["name_masked", "id_masked"],
            "properties": {
                "name_masked": {"type": "string", "description": "e.g. 林*美: never the full name"},
                "id_masked": {"type": "string", "description": "身份证号 with only its last four characters shown (**************002X); see docs/privacy.md"},
            },
            "additionalProperties": False,
        },
        "course": {
            "type": "object",
            "required": ["title", "version"],
            "properties": {
                "title": {"type": "string"},
                "title_en": {"type": "string"},
                "version": {"type": "string", "description": "v1, v2 …: the exact version the certificate was earned on"},
                "content_hash": {"type": "string", "description": "SHA-256 of the course files of that version"},
            },
        },
        "hours": {"type": "number", "description": "verified study hours"},
        "score": {"type": ["number", "null"]},
        "started_on": {"type": "string", "format": "date"},
        "completed_on": {"type": "string", "format": "date"},
        "issued_at": {"type": "string", "format": "date-time"},
        "issued_on": {"type": "string", "format": "date", "description": "issue date in China time"},
        "issuer": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        "revocation": {
            "type": ["object", "null"],
            "required": ["category", "label", "revoked_at"],
            "properties": {"category": {"type": "string", "enum": ["incorrect", "misconduct", "duplicate", "other"],
                                        "description": "public category; the detailed reason is for staff only"},
                           "label": {"type": "string", "description": "the category in the request's language"},
                           "revoked_at": {"type": "string", "format": "date-time"},
                           "revoked_on": {"type": "string", "format": "date", "description": "in China time"}},
        },
        "superseded_by": {"type": ["string", "null"], "description": "the new number after a re-issue"},
        "log": {"type": "object", "required": ["included", "index"],
                "properties": {"included": {"type": "boolean"}, "index": {"type": ["integer", "null"]}},
                "description": "whether the issue is recorded in the transparency log, and at which entry"},
    },
}  # fmt: skip

TEXT = {"text/plain": {"schema": {"type": "string"}}}
NOT_FOUND = {"description": "Unknown", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
BAD = {"description": "Bad parameters", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

SCRIPT_FINDING = {
    "type": "object",
    "required": ["line", "start", "end", "text", "category", "severity", "law", "article", "explanation", "suggestions"],
    "properties": {
        "line": {"type": "integer", "description": "1-based line; 0 for a statement missing from the whole script"},
        "start": {"type": "integer", "description": "character offset into the line"},
        "end": {"type": "integer", "description": "character offset into the line (exclusive)"},
        "text": {"type": "string"},
        "category": {"type": "string", "description": "rule family, e.g. absolute, disease, price"},
        "rule": {"type": "string"},
        "severity": {"type": "string", "enum": ["violation", "needs_checking"]},
        "law": {"type": "string"}, "article": {"type": "string", "description": "e.g. 第九条第（三）项"},
        "single_source": {"type": "boolean", "description": "the law text has only one unofficial source"},
        "explanation": {"type": "string", "description": "why, in Chinese (an agency's own rule: its reason)"},
        "explanation_en": {"type": "string", "description": "why, in English (empty for an agency's own rule)"},
        "suggestions": {"type": "array", "items": {"type": "string"},
                        "description": "compliant rewrites, in Chinese (what to say in the live room)"},
    },
}  # fmt: skip

EXTRA_PATHS = {
    "/api/v1/certificates/{number}/proof": {"get": {
        "operationId": "getInclusionProof",
        "summary": "C2SP tlog-proof of the certificate's issue entry against the current checkpoint",
        "parameters": [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "tlog-proof text (the entry bytes in its extra line)", "content": TEXT},
                      "404": NOT_FOUND},
    }},
    "/api/v1/log/entries": {"get": {
        "operationId": "getLogEntries",
        "summary": "Entries start..end-1 with their exact bytes (base64); leaf hash = SHA-256(0x00 || bytes)",
        "parameters": [{"name": "start", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 0}},
                       {"name": "end", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 0}}],
        "responses": {"200": {"description": "Entries", "content": {"application/json": {"schema": {
            "type": "object", "required": ["entries"], "properties": {"entries": {"type": "array", "items": {
                "type": "object", "required": ["index", "data"],
                "properties": {"index": {"type": "integer"}, "data": {"type": "string", "contentEncoding": "base64"}}}}}}}}},
            "400": BAD},
    }},
    "/api/v1/log/consistency": {"get": {
        "operationId": "getConsistencyProof",
        "summary": "RFC 9162 consistency proof between two tree sizes",
        "parameters": [{"name": "first", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 1}},
                       {"name": "second", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 1}}],
        "responses": {"200": {"description": "Proof", "content": {"application/json": {"schema": {
            "type": "object", "required": ["first", "second", "proof"], "properties": {
                "first": {"type": "integer"}, "second": {"type": "integer"},
                "proof": {"type": "array", "items": {"type": "string", "contentEncoding": "base64"}}}}}}},
            "400": BAD},
    }},
    "/api/v1/verify": {"post": {
        "operationId": "verifyCredential",
        "summary": "Verify an Open Badges 3.0 credential: ours get every check (schema, both proofs, issuer key, "
                   "status, validity, log inclusion); other issuers' are checked offline (did:key, or did:web with "
                   "a did_document). JSON, VC-JOSE JWT, or a baked PNG/SVG badge",
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/vc+jwt": {"schema": {"type": "string"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
            "image/svg+xml": {"schema": {"type": "string"}},
            "multipart/form-data": {"schema": {"type": "object", "required": ["credential"], "properties": {
                "credential": {"type": "string", "format": "binary"},
                "did_document": {"type": "string", "description": "the issuer's DID document (did:web)"}}}}}},
        "responses": {"200": {"description": "Report", "content": {"application/json": {"schema": {
            "type": "object", "required": ["verified", "state", "summary", "checks"], "properties": {
                "verified": {"type": "boolean"},
                "state": {"type": "string", "enum": ["verified", "failed", "cannot_check"]},
                "summary": {"type": "string"}, "issued_here": {"type": "boolean"},
                "checks": {"type": "array", "items": {"type": "object", "required": ["check", "ok", "detail"],
                    "properties": {"check": {"type": "string"}, "ok": {"type": ["boolean", "null"]},
                                   "detail": {"type": "string"}}}}}}}}},
            "400": BAD, "413": BAD, "415": BAD},
    }},
    "/api/v1/verify/bulk": {"post": {
        "operationId": "verifyBulk",
        "summary": "Labor bureaus: check many certificates at once (bearer token); results in input order",
        "security": [{"bearer": []}],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"type": "array", "maxItems": 100000, "items": {
                "type": "object", "required": ["number", "name"], "properties": {
                    "number": {"type": "string"}, "name": {"type": "string"}, "id_number": {"type": "string"}}}}},
            "text/csv": {"schema": {"type": "string", "description": "columns 证书编号, 姓名 and optionally 身份证号; UTF-8 or GBK"}}}},
        "responses": {"200": {"description": "One result per row", "content": {"application/json": {"schema": {
            "type": "array", "items": {"type": "object", "required": ["row", "number", "result", "detail"], "properties": {
                "row": {"type": "integer"}, "number": {"type": "string"},
                "result": {"type": "string", "enum": ["valid", "revoked", "superseded", "unknown", "name_mismatch",
                                                      "id_mismatch", "malformed"]},
                "detail": {"type": "string"}}}}}}},
            "400": BAD, "401": {"description": "Missing, wrong or revoked token", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}},
    }},
    "/api/v1/log/cosignatures": {"post": {
        "operationId": "cosignCheckpoint",
        "summary": "A labor bureau sends a checkpoint it verified, cosigned (C2SP tlog-cosignature) with its witness key",
        "security": [{"bearer": []}],
        "requestBody": {"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}},
        "responses": {"200": {"description": "Accepted", "content": {"application/json": {"schema": {
            "type": "object", "required": ["accepted", "tree_size"],
            "properties": {"accepted": {"type": "integer"}, "tree_size": {"type": "integer"}}}}}},
            "400": BAD, "401": {"description": "Missing, wrong or revoked token", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}},
    }},
    "/api/v1/script/check": {"post": {
        "operationId": "checkScript",
        "summary": "Check a live-streaming script against the shipped compliance rules and, for a logged-in member "
                   "of agencies, their own rules (nothing is stored)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["text"], "properties": {
                "text": {"type": "string", "maxLength": 20000},
                "category": {"type": "string", "enum": ["general", "beauty", "food", "health_food", "apparel"],
                             "default": "general"},
                "org": {"type": "string", "description": "only this agency's own rules (the caller must be a "
                                                         "logged-in member); default: every agency of the caller"}}}}}},
        "responses": {"200": {"description": "Findings", "content": {"application/json": {"schema": {
            "type": "object", "required": ["findings", "checked"], "properties": {
                "category": {"type": "string"},
                "findings": {"type": "array", "items": SCRIPT_FINDING},
                "missing": {"type": "array", "items": SCRIPT_FINDING,
                            "description": "statements the script must contain but does not (line 0)"},
                "checked": {"type": "array", "items": {"type": "string"}, "description": "rule families checked"},
                "violation": {"type": "boolean"},
                "rules": {"type": "object", "required": ["shipped", "organisations"], "properties": {
                    "shipped": {"type": "boolean"},
                    "organisations": {"type": "array", "items": {"type": "string"},
                                      "description": "agencies whose own rules were applied"}}}}}}}},
            "400": BAD, "403": {"description": "Not a logged-in member of the agency named by org", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "413": {"description": "More than 20,000 characters", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}},
    }},
}  # fmt: skip

OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "Host Academy public API",
        "version": "1.0.0",
        "description": "Check training certificates issued by this site. Anonymous; rate-limited per client.",
    },
    "paths": {
        "/api/v1/certificates/{number}": {
            "get": {
                "operationId": "getCertificate",
                "summary": "The public record of one certificate",
                "parameters": [
                    {
                        "name": "number",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "The certificate number, with or without hyphens, any case.",
                    }
                ],
                "responses": {
                    "200": {"description": "Found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Certificate"}}}},
                    "404": {"description": "Unknown or malformed number", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "429": {"description": "Too many requests", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                },
            }
        }
    },
    "components": {"schemas": {"Certificate": CERTIFICATE, "Error": ERROR}},
}  # fmt: skip
OPENAPI["paths"].update(EXTRA_PATHS)
OPENAPI["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}

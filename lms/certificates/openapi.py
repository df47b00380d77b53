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
                "id_masked": {"type": "string", "description": "身份证号 with the eight birth-date digits hidden"},
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
            "required": ["reason", "revoked_at"],
            "properties": {"reason": {"type": "string"}, "revoked_at": {"type": "string", "format": "date-time"}},
        },
        "superseded_by": {"type": ["string", "null"], "description": "the new number after a re-issue"},
    },
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

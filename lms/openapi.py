"""The OpenAPI 3 description of /api/v1 (served at /api/v1/openapi.json)."""
from __future__ import annotations

from flask import url_for

_ERROR = {"$ref": "#/components/schemas/Error"}


def _response(description: str, schema: dict | None = None) -> dict:
    body = {"description": description}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return body


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Vaksam API", "version": "1.0.0",
            "description": "Completions of mandatory training pushed by a learning management system (LMS).",
        },
        "servers": [{"url": url_for("training_api.openapi", _external=True).rsplit("/openapi.json", 1)[0]}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A token per integration, created by an admin."}},
            "schemas": {
                "Completion": {
                    "type": "object", "required": ["course"],
                    "description": "Identify the person with at least one of employee_number, username, email; "
                                   "they are tried in that order, case-insensitively.",
                    "properties": {
                        "employee_number": {"type": "string", "example": "100123"},
                        "username": {"type": "string", "example": "annand"},
                        "email": {"type": "string", "format": "email", "example": "anna.andersson@region.example"},
                        "course": {"type": "string", "description": "The version's name in the LMS reports.",
                                   "example": "Säkert Beteende 2024"},
                        "status": {"type": "string", "enum": ["completed", "in_progress"], "default": "completed"},
                        "completed_at": {"type": "string", "format": "date-time",
                                         "description": "Required for completed; a time without offset is local "
                                                        "time (Europe/Stockholm).",
                                         "example": "2024-09-15T14:03:00+02:00"},
                    },
                },
                "Result": {"type": "object", "properties": {
                    "result": {"type": "string", "enum": ["created", "unchanged"]}, "id": {"type": "integer"}}},
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string"}, "message": {"type": "string"}}},
            },
        },
        "paths": {
            "/completions": {
                "post": {
                    "summary": "Record a completion (or a start) of a course version",
                    "description": "Idempotent on (person, version, completion time): sending the same completion "
                                   "again answers 200 unchanged. A start never replaces a completion.",
                    "operationId": "postCompletion",
                    "security": [{"bearer": []}],
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Completion"}}}},
                    "responses": {
                        "201": _response("Recorded.", {"$ref": "#/components/schemas/Result"}),
                        "200": _response("Already known; nothing changed.", {"$ref": "#/components/schemas/Result"}),
                        "400": _response("The body or a field is invalid.", _ERROR),
                        "401": _response("Missing, unknown or revoked token.", _ERROR),
                        "413": _response("The body is too large.", _ERROR),
                        "422": _response("Unknown course, or the person is unmatched or ambiguous.", _ERROR),
                    },
                },
            },
        },
    }

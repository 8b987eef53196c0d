"""The OpenAPI 3 description of every /api/v1 endpoint (served at /api/v1/openapi.json).

tests/training/test_openapi.py checks that each URL rule under /api/v1 is described here,
that the document is valid, and runs schemathesis against the app with it.
"""
from __future__ import annotations

from flask import current_app, url_for

_ERROR = {"$ref": "#/components/schemas/Error"}
_INT = {"type": "integer"}
_TEXT = {"type": "string"}
_COUNTS = {state: {**_INT, "minimum": 0} for state in
           ("required", "completed", "in_progress", "not_started", "overdue", "exempt")}
_PERCENT = {"type": "number", "nullable": True, "minimum": 0, "maximum": 100,
            "description": "Completed share of those not exempt; null when nobody is."}


def _response(description: str, schema: dict | None = None) -> dict:
    body: dict = {"description": description}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return body


def _signed_in_errors() -> dict:
    return {
        "401": _response("Not signed in.", _ERROR),
        "403": _response("The signed-in person may not see this.", _ERROR),
        "404": _response("No such person, or no active requirement.", _ERROR),
    }


_SCHEMAS = {
    "Completion": {
        "type": "object", "required": ["course"],
        "anyOf": [{"required": ["employee_number"]}, {"required": ["username"]}, {"required": ["email"]}],
        "description": "Identify the person with at least one of employee_number, username, email; "
                       "they are tried in that order, case-insensitively. Text fields must not contain "
                       "control characters.",
        "properties": {
            "employee_number": {"oneOf": [{"type": "string"}, {"type": "integer", "minimum": 0}],
                                "example": "100123"},
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
    "Result": {"type": "object", "required": ["result", "id"], "properties": {
        "result": {"type": "string", "enum": ["created", "unchanged"]}, "id": _INT}},
    "Error": {"type": "object", "required": ["error", "message"], "properties": {
        "error": _TEXT, "message": _TEXT, "status": _INT}},
    "UnitNumbers": {"type": "object", "required": ["id", "name", *_COUNTS, "percent"], "properties": {
        "id": {**_INT, "nullable": True}, "name": _TEXT, **_COUNTS, "percent": _PERCENT}},
    "TeamReport": {
        "type": "object", "required": ["as_of", "scope", "requirement", *_COUNTS, "percent", "units"],
        "properties": {
            "as_of": {"type": "string", "format": "date-time", "nullable": True,
                      "description": "When the numbers were computed."},
            "scope": {"type": "object", "required": ["type", "id", "name"], "properties": {
                "type": {"type": "string", "enum": ["manager", "unit", "region"]},
                "id": {**_INT, "nullable": True}, "username": {"type": "string", "nullable": True},
                "name": _TEXT}},
            "requirement": {"type": "object", "required": ["id", "name", "course"], "properties": {
                "id": _INT, "name": _TEXT, "course": _TEXT}},
            **_COUNTS, "percent": _PERCENT,
            "units": {"type": "array", "items": {"$ref": "#/components/schemas/UnitNumbers"}},
        },
    },
    "PersonStatus": {
        "type": "object", "required": ["person", "as_of", "requirements"], "properties": {
            "person": {"type": "object", "required": ["id", "name"], "properties": {"id": _INT, "name": _TEXT}},
            "as_of": {"type": "string", "format": "date-time"},
            "requirements": {"type": "array", "items": {
                "type": "object", "required": ["requirement", "course", "status", "due_on", "completed_at"],
                "properties": {
                    "requirement": _TEXT, "course": _TEXT,
                    "status": {"type": "string", "nullable": True,
                               "enum": ["completed", "in_progress", "not_started", "overdue", "exempt", None]},
                    "due_on": {"type": "string", "format": "date", "nullable": True},
                    "completed_at": {"type": "string", "format": "date-time", "nullable": True},
                }}},
        },
    },
}


def _paths() -> dict:
    signed_in: list[dict] = [{"session": []}]
    return {
        "/openapi.json": {"get": {
            "summary": "This document", "operationId": "getOpenApi", "security": [],
            "responses": {"200": _response("The OpenAPI 3 document.", {"type": "object"})},
        }},
        "/completions": {"post": {
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
                "400": _response("The body or a field is invalid (also: not UTF-8, nested deeper than 32).",
                                 _ERROR),
                "401": _response("Missing, unknown or revoked token.", _ERROR),
                "413": _response("The body is too large.", _ERROR),
                "422": _response("Unknown course, or the person is unmatched or ambiguous.", _ERROR),
            },
        }},
        "/training/team": {"get": {
            "summary": "A manager's team numbers for a requirement",
            "description": "The signed-in manager's own team, or with ?manager= another manager they may see "
                           "(admins: anyone). The same numbers as the team page; the view is audit-logged.",
            "operationId": "getTeamNumbers", "security": signed_in,
            "parameters": [
                {"name": "manager", "in": "query", "required": False, "schema": _INT,
                 "description": "A manager's person id (default: the signed-in person)."},
                {"name": "requirement", "in": "query", "required": False, "schema": _INT,
                 "description": "An active requirement's id (default: the first one)."},
            ],
            "responses": {"200": _response("The numbers.", {"$ref": "#/components/schemas/TeamReport"}),
                          **_signed_in_errors()},
        }},
        "/training/people/{person_id}": {"get": {
            "summary": "One person's status for every active requirement",
            "description": "For the person themselves, their managers and admins; others' views are audit-logged.",
            "operationId": "getPersonStatus", "security": signed_in,
            "parameters": [{"name": "person_id", "in": "path", "required": True, "schema": _INT}],
            "responses": {"200": _response("The status.", {"$ref": "#/components/schemas/PersonStatus"}),
                          **_signed_in_errors()},
        }},
    }


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Vaksam API", "version": "1.1.0",
            "description": "Completions of mandatory training pushed by a learning management system (LMS), "
                           "and training numbers for signed-in people. Errors are JSON {error, message}.",
        },
        "servers": [{"url": url_for("training_api.openapi", _external=True).rsplit("/openapi.json", 1)[0]}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "A token per integration, created by an admin."},
                "session": {"type": "apiKey", "in": "cookie", "name": current_app.config["SESSION_COOKIE_NAME"],
                            "description": "The session cookie of a person signed in on the web pages."},
            },
            "schemas": _SCHEMAS,
        },
        "paths": _paths(),
    }

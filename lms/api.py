"""The JSON API under /api/v1: completions pushed by an LMS (bearer token per
integration), the team numbers for a signed-in manager, and the OpenAPI document.

Errors are always JSON `{"error", "message"}` with a 4xx status, never a 500.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import NamedTuple

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import audit
from auth.access import may_see
from extensions import db
from lms import files, matching, operations, tokens
from lms.openapi import openapi_document
from main.i18n import local_tz
from models import Completion, CourseVersion, Person, utcnow
from training import facts, queries

bp = Blueprint("training_api", __name__, url_prefix="/api/v1")
MAX_BODY = 64 * 1024


def error(status: int, code: str, message: str):
    response = jsonify({"error": code, "message": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="vaksam"'
    return response


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


def _bearer():
    header = request.headers.get("Authorization", "")
    scheme, _sep, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        return None
    return tokens.find_token(presented.strip())


@bp.post("/completions")
def post_completion():
    token = _bearer()
    if token is None:
        return error(401, "unauthorized", "A valid bearer token is required.")
    if (request.content_length or 0) > MAX_BODY:
        return error(413, "too_large", f"The body may be at most {MAX_BODY} bytes.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error(400, "invalid_json", "The body must be a JSON object.")
    parsed = _field_types(body) or _parse(body)
    if isinstance(parsed, Refusal):
        return error(*parsed)
    person_id, version, state, moment = parsed
    created, row = _record(person_id, version, state, moment, token.id)
    token.last_used_at = utcnow()
    db.session.commit()
    if created:
        operations.announce({person_id}, None)
    return jsonify({"result": "created" if created else "unchanged", "id": row.id}), 201 if created else 200


class Refusal(NamedTuple):
    status: int
    code: str
    message: str


#: The fields the body may carry; each is a string (employee_number also a whole number) or null.
FIELDS = ("employee_number", "username", "email", "course", "status", "completed_at")


def _field_types(body: dict) -> Refusal | None:
    """Refuse fields of the wrong JSON type ({} as a user name) or with characters no
    identifier has (control characters, NUL, lone surrogates), before any lookup."""
    for key in FIELDS:
        value = body.get(key)
        if value is None or (key == "employee_number" and type(value) is int and 0 <= value < 10**18):
            continue
        if not isinstance(value, str):
            return Refusal(400, "invalid_field", f"{key} must be a string.")
        if any(ord(c) < 32 or 0xD800 <= ord(c) < 0xE000 or ord(c) == 127 for c in value):
            return Refusal(400, "invalid_field", f"{key} contains control characters.")
    return None


def _text(body: dict, key: str) -> str:
    value = body.get(key)
    return value.strip()[:320] if isinstance(value, str) else str(value) if isinstance(value, int) else ""


def _parse(body: dict):
    """(person id, version, state, time), or a Refusal."""
    ids = {k: _text(body, k) for k in files.IDENTITY_FIELDS}
    if not any(ids.values()):
        return Refusal(400, "invalid_field", "Give employee_number, username or email.")
    course = _text(body, "course")
    version = db.session.scalars(select(CourseVersion).where(
        (func.lower(CourseVersion.lms_name) == course.lower()) | (func.lower(CourseVersion.name) == course.lower())
    )).first() if course else None
    if version is None:
        return Refusal(422, "unknown_course", "course must be a course version's LMS name or name.")
    state = files.parse_status(_text(body, "status") or "completed")
    if state not in (files.COMPLETED, files.IN_PROGRESS):
        return Refusal(400, "invalid_field", "status must be 'completed' or 'in_progress'.")
    moment = None
    if state == files.COMPLETED:
        try:
            moment = files.parse_moment(_text(body, "completed_at"), local_tz())
            moment = moment.astimezone(timezone.utc) if moment else None
        except (ValueError, OverflowError):  # OverflowError: year 1 moved to UTC
            moment = None
        if moment is None:
            return Refusal(400, "invalid_field", "completed_at must be an ISO 8601 date and time.")
        if moment > utcnow() or moment.year < 2000:
            return Refusal(400, "invalid_field", "completed_at must not be in the future or before 2000.")
    match = matching.match_one(**ids)
    if match.outcome != matching.MATCHED:
        return Refusal(422, match.outcome, f"The person is {match.outcome}: " + (
            "nobody has these identifiers." if match.outcome == matching.UNMATCHED else "several people match."))
    return match.person_id, version, state, moment


def _record(person_id: int, version: CourseVersion, state: str, moment: datetime | None, token_id: int):
    """(created?, row); idempotent on (person, version, completion time); starts never go backward."""
    stmt = select(Completion).where(Completion.person_id == person_id, Completion.version_id == version.id)
    if state == files.COMPLETED:
        existing = db.session.scalar(stmt.where(Completion.completed_at == moment))
    else:
        existing = db.session.scalars(stmt.order_by(Completion.completed_at.desc().nulls_last())).first()
    if existing is not None:
        return False, existing
    row = Completion(person_id=person_id, version_id=version.id, state=state, completed_at=moment,
                     source="api", token_id=token_id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same completion arrived twice at once
        return False, db.session.scalar(stmt.where(Completion.completed_at == moment))
    return True, row


def _signed_in():
    if not current_user.is_authenticated:
        abort(401)


def _row_id(value: int | None) -> int | None:
    """An id from the URL, or None if no row can have it (ids are 32-bit; SQLite's
    driver fails on numbers above 64 bits)."""
    return value if value is not None and 0 < value < 2**31 else None


@bp.get("/training/team")
def team_numbers():
    """The team numbers of the signed-in manager (or, for ?manager=ID, a manager they may see)."""
    _signed_in()
    manager = current_user
    manager_id = request.args.get("manager", type=int)
    if manager_id is not None and manager_id != current_user.id:
        manager = db.session.get(Person, _row_id(manager_id) or 0) or abort(404)
    if not (current_user.has_role("admin") or (current_user.is_manager and may_see(current_user, manager))):
        abort(403)
    requirement = queries.requirement_or_default(request.args.get("requirement", type=int)) or abort(404)
    audit.record("training.team.api", "person", manager.id, {"requirement": requirement.id})
    return jsonify(queries.status_report_for_manager(requirement, manager))


@bp.get("/training/people/<int:person_id>")
def person_status(person_id: int):
    """One person's status for every active requirement (themselves, their managers, admins)."""
    _signed_in()
    person = db.session.get(Person, _row_id(person_id) or 0) or abort(404)
    if not may_see(current_user, person):
        abort(403)
    if person.id != current_user.id:
        audit.record("training.person.api", "person", person.id)
    now = utcnow()
    result = []
    for requirement in facts.active_requirements():
        status = facts.status_of(requirement, person, now)
        result.append({
            "requirement": requirement.name, "course": requirement.course.code,
            "status": status.state if status else None, "due_on": status.due_on.isoformat() if status and status.due_on
            else None, "completed_at": status.completed_at.isoformat() if status and status.completed_at else None,
        })
    return jsonify({"person": {"id": person.id, "name": person.name}, "as_of": now.isoformat(),
                    "requirements": result})

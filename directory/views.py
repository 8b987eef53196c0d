"""Pages about people: a manager's team list and a person's page."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user

import audit
from auth.access import require_visible, requires
from auth.sessions import sessions_of
from directory import queries
from extensions import db
from models import Person

bp = Blueprint("directory", __name__)


@bp.get("/team")
@requires("manager", "admin")
def team():
    manager = current_user
    manager_id = request.args.get("manager", type=int)
    if manager_id and manager_id != current_user.id:
        manager = db.get_or_404(Person, manager_id)
        require_visible(manager)
    args: dict[str, Any] = {
        "q": request.args.get("q", "").strip()[:200],
        "scope": "direct" if request.args.get("scope") == "direct" else "all",
        "sort": request.args.get("sort", "name") if request.args.get("sort") in queries.SORTS else "name",
        "desc": request.args.get("desc") == "1",
        "page": request.args.get("page", 1, type=int),
    }
    result = queries.team_page(manager, **args)
    audit.record("team.view", "person", manager.id, {k: v for k, v in args.items() if v})
    return render_template("directory/team.html", result=result, args=args)


@bp.get("/people/<int:person_id>")
@requires("employee")
def person(person_id: int):
    person = db.get_or_404(Person, person_id)
    require_visible(person)
    if person.id != current_user.id:
        audit.record("person.view", "person", person.id)
    person_sessions = sessions_of(person.id) if current_user.has_role("admin") else None
    return render_template("directory/person.html", person=person, managers=queries.chain_of_managers(person),
                           person_sessions=person_sessions)

"""The one place that answers "may this user see this person", and the role guard.

Admins see everyone; managers see themselves and everyone below them in the org
tree (direct reports and their reports, from the closure table); everyone else sees
only themselves. Every page, export and API that shows people goes through here.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, exists, select

from directory import tree
from extensions import db
from models import Person, PersonAncestor


def may_see(viewer: Person, person: Person | int) -> bool:
    """True if `viewer` may see `person`'s personal data."""
    person_id = person if isinstance(person, int) else person.id
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.id == person_id or viewer.has_role("admin"):
        return True
    if not viewer.is_manager:
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    PersonAncestor.ancestor_id == viewer.id, PersonAncestor.descendant_id == person_id
                )
            )
        )
    )


def visible_person_ids(viewer: Person) -> Select:
    """A SELECT of the ids of every person `viewer` may see (for IN / JOIN filters)."""
    if viewer.has_role("admin"):
        return select(Person.id)
    return select(Person.id).where((Person.id == viewer.id) | Person.id.in_(tree.people_below(viewer.id)))


def require_visible(person: Person | int) -> None:
    """Abort with 403 unless the current user may see `person`."""
    if not may_see(current_user, person):
        abort(403)


def requires(*roles: str):
    """View decorator: the signed-in user must have at least one of `roles`."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator

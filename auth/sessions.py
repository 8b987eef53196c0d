"""Whose sessions are live, and ending them: at log-out, when roles are removed or a person
is deactivated (signals), when an admin presses the button, and for OIDC back-channel log-out.

The storage itself is auth/session_store.py (Flask-Session on our `user_session` table).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import Flask, current_app, request, session
from flask_login import current_user, logout_user
from sqlalchemy import delete, select

from auth.session_store import DatabaseSessionInterface, purge
from extensions import db
from models import UserSession, utcnow
from models.base import affected
from signals import person_deactivated, roles_changed

log = logging.getLogger(__name__)

#: The roles the session was granted with (a sorted list), to notice changes on the next request.
ROLES_KEY = "_vaksam_roles"


def end_sessions_for(person_id: int, reason: str) -> int:
    """End every session of this person at once (their next request is logged out). Commits."""
    result = db.session.execute(delete(UserSession).where(UserSession.person_id == person_id))
    db.session.commit()
    count = affected(result)
    log.info("ended %d session(s) of person %s: %s", count, person_id, reason)
    return count


def end_session(person_id: int, session_row_id: int, reason: str) -> bool:
    """End one of this person's sessions (by its row id, as listed by `sessions_of`). Commits."""
    result = db.session.execute(delete(UserSession).where(
        UserSession.id == session_row_id, UserSession.person_id == person_id))
    db.session.commit()
    log.info("ended session %s of person %s: %s", session_row_id, person_id, reason)
    return bool(affected(result))


def sessions_of(person_id: int, now: datetime | None = None) -> list[UserSession]:
    """The person's live sessions, the most recently used first."""
    now = now or utcnow()
    max_age = timedelta(hours=int(current_app.config["SESSION_MAX_HOURS"]))
    return list(db.session.scalars(
        select(UserSession).where(UserSession.person_id == person_id, UserSession.expires_at > now,
                                  UserSession.created_at > now - max_age)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def purge_expired(now: datetime) -> int:
    """Delete lapsed sessions (the scheduled job); returns how many."""
    return purge(now, timedelta(hours=int(current_app.config["SESSION_MAX_HOURS"])))


def _interface() -> DatabaseSessionInterface:
    return current_app.session_interface  # type: ignore[return-value]


def begin(person_roles: frozenset[str]) -> None:
    """At log-in: a new session id, nothing carried over but the language, roles noted."""
    lang = session.get("lang")
    session.clear()
    _interface().rotate(session)  # type: ignore[arg-type]
    if lang:
        session["lang"] = lang
    session[ROLES_KEY] = sorted(person_roles)


def end_current() -> None:
    """At log-out: the stored session is deleted (a copied cookie is dead); the language stays
    in a fresh session."""
    lang = session.get("lang")
    logout_user()
    session.clear()
    _interface().rotate(session)  # type: ignore[arg-type]
    if lang:
        session["lang"] = lang


def check_roles() -> None:
    """Before each request: a role taken away ends the session; a role added gives it a new id.
    Catches changes no signal announced (e.g. no longer a manager after a directory sync)."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    if session.get("_user_id") != str(current_user.id):
        return  # not this session's user (only where one app context spans requests: the tests)
    now_roles = sorted(current_user.roles)
    had = session.get(ROLES_KEY)
    if had is None:
        session[ROLES_KEY] = now_roles
    elif set(had) - set(now_roles):
        end_current()
    elif had != now_roles:
        _interface().rotate(session)  # type: ignore[arg-type]
        session[ROLES_KEY] = now_roles


def _on_roles_changed(sender: Flask, person_id: int, removed: set[str] | frozenset[str] = frozenset(),
                      **_kwargs: object) -> None:
    if removed:
        end_sessions_for(person_id, f"roles removed: {', '.join(sorted(removed))}")


def _on_person_deactivated(sender: Flask, person_id: int, **_kwargs: object) -> None:
    end_sessions_for(person_id, "deactivated")


def init_app(app: Flask) -> None:
    app.session_interface = DatabaseSessionInterface(app)
    app.before_request(check_roles)
    roles_changed.connect(_on_roles_changed, sender=app, weak=False)
    person_deactivated.connect(_on_person_deactivated, sender=app, weak=False)

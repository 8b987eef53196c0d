"""Server-side sessions on Flask-Session's SQLAlchemy backend, stored in our `user_session` table.

Flask-Session (0.8) keeps the cookie handling, the session id (secrets.token_urlsafe),
the msgpack serialiser and `regenerate()`. What differs from its stock
`SqlAlchemySessionInterface`, and why:

- the table comes from our Alembic migration (its own `__init__` defines a model on our
  metadata and creates the table at start-up, which a later `db upgrade` would trip over);
- the row is found by the SHA-256 of the session id, and also records whose session it
  is, when it began, the client address and browser, so one person's sessions can be
  listed and ended (auth/sessions.py);
- a session lapses after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS in
  total; "last seen" is written at most once a minute, not on every request;
- timestamps are UTC-aware, like every other column.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import msgspec
from flask import Flask, Request, Response, request
from flask.sessions import SessionMixin
from flask_babel import LazyString
from flask_session.base import ServerSideSessionInterface
from flask_session.sqlalchemy import SqlAlchemySession, SqlAlchemySessionInterface
from sqlalchemy import delete, select

from extensions import db
from models import UserSession, utcnow
from models.base import affected

#: How often an unchanged session's "last seen" (and so its idle deadline) is written.
REFRESH = timedelta(seconds=60)


class DatabaseSession(SqlAlchemySession):
    """A session loaded from (or bound for) `user_session`."""

    #: When the stored row was last written; None for a session not stored yet.
    seen_at: datetime | None = None


def store_key(sid: str) -> str:
    """What the table stores instead of the session id itself."""
    return hashlib.sha256(sid.encode()).hexdigest()


def is_live(row: UserSession, now: datetime, max_age: timedelta) -> bool:
    """The idle deadline has not passed and the session is younger than the total limit."""
    return row.expires_at > now and row.created_at > now - max_age


class DatabaseSessionInterface(SqlAlchemySessionInterface):
    session_class = DatabaseSession

    def __init__(self, app: Flask) -> None:
        # Not SqlAlchemySessionInterface.__init__: it would define a second model and create its table.
        self.client = db
        self.sql_session_model = UserSession
        ServerSideSessionInterface.__init__(self, app, key_prefix="", use_signer=False, permanent=True,
                                            sid_length=32, serialization_format="msgpack", cleanup_n_requests=None)
        # Flashed lazy texts (Flask-Login's "Logga in för att se sidan.") are stored as plain text.
        self.serializer.encoder = msgspec.msgpack.Encoder(enc_hook=_plain)

    def _max_age(self, app: Flask) -> timedelta:
        return timedelta(hours=int(app.config["SESSION_MAX_HOURS"]))

    def open_session(self, app: Flask, request: Request) -> DatabaseSession:
        sid = request.cookies.get(self.get_cookie_name(app))
        if sid:
            row = db.session.scalar(select(UserSession).where(UserSession.session_key == store_key(sid)))
            if row is not None and is_live(row, utcnow(), self._max_age(app)):
                session = self.session_class(self.serializer.decode(row.data), sid=sid)
                session.seen_at = row.last_seen_at
                return session
            if row is not None:  # lapsed: gone for good, and a new id below
                self._delete_session(sid)
        return self.session_class(sid=self._generate_sid(self.sid_length), permanent=self.permanent)

    def should_set_storage(self, app: Flask, session: SessionMixin) -> bool:
        seen_at = getattr(session, "seen_at", None)
        return session.modified or seen_at is None or utcnow() - seen_at >= REFRESH

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if response.status_code >= 500:
            # This commits the db session: never what a failed request left half-written.
            db.session.rollback()
        super().save_session(app, session, response)

    def rotate(self, session: DatabaseSession) -> None:
        """Give the session a new id (the old one stops working at once), keeping its contents."""
        self._delete_session(session.sid)
        session.sid = self._generate_sid(self.sid_length)
        session.seen_at = None
        session.modified = True

    # --- storage ------------------------------------------------------------------------------

    def _delete_expired_sessions(self) -> None:
        purge(utcnow(), self._max_age(self.app))

    def _retrieve_session_data(self, store_id: str) -> dict | None:
        row = db.session.scalar(select(UserSession).where(UserSession.session_key == store_key(store_id)))
        if row is None or not is_live(row, utcnow(), self._max_age(self.app)):
            return None
        return self.serializer.decode(row.data)

    def _delete_session(self, store_id: str) -> None:
        db.session.execute(delete(UserSession).where(UserSession.session_key == store_key(store_id)))
        db.session.commit()

    def _upsert_session(self, session_lifetime: timedelta, session: DatabaseSession, store_id: str) -> None:
        now = utcnow()
        key = store_key(store_id)
        row = db.session.scalar(select(UserSession).where(UserSession.session_key == key))
        if row is None and session.seen_at is not None:
            return  # ended meanwhile (log-out elsewhere, an admin, a role removed): stays ended
        if row is None:
            row = UserSession(session_key=key, created_at=now, ip=(request.remote_addr or "")[:64],
                              user_agent=(request.user_agent.string or "")[:300])
            db.session.add(row)
        row.data = self.serializer.encode(session)
        row.person_id = _person_id(session)
        row.last_seen_at = now
        row.expires_at = now + session_lifetime
        db.session.commit()
        session.seen_at = now


def _plain(value: object) -> object:
    if isinstance(value, LazyString):
        return str(value)
    raise TypeError(f"cannot store a {type(value).__name__} in the session")


def _person_id(session: SessionMixin) -> int | None:
    user_id = session.get("_user_id")
    return int(user_id) if isinstance(user_id, str) and user_id.isdigit() else None


def purge(now: datetime, max_age: timedelta) -> int:
    """Delete sessions past their idle deadline or total limit; returns how many."""
    result = db.session.execute(delete(UserSession).where(
        (UserSession.expires_at <= now) | (UserSession.created_at <= now - max_age)))
    db.session.commit()
    return affected(result)

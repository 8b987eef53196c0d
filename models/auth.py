"""Roles granted in the app, login attempts (for rate limiting) and server-side sessions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of, utcnow

ROLES = ("admin", "comms", "manager", "employee")
GRANTABLE_ROLES = ("admin", "comms")
#: Where a role grant comes from: made here, from directory group membership, or from OIDC claims.
GRANT_SOURCES = ("app", "directory", "oidc")


class RoleGrant(Base):
    """A role granted in the app (admin, comms) on top of what the directory says."""

    __tablename__ = "role_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who has the role.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: "admin" or "comms".
    role: Mapped[str] = mapped_column(String(20))
    #: "app" for grants made here, "directory" for grants from group membership, "oidc" from ID token claims.
    source: Mapped[str] = mapped_column(String(20), default="app")
    #: Who granted it (None for the CLI or the directory).
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: When it was granted.
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        one_of("role", ROLES),
        one_of("source", GRANT_SOURCES),
        Index("uq_role_grant_person_role_source", "person_id", "role", "source", unique=True),)



class LoginAttempt(Base):
    """One login attempt; recent failures per account and per IP drive the rate limit."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The user name as typed, normalised (NFKC, casefold, trimmed; may not exist).
    username: Mapped[str] = mapped_column(String(200))
    #: The account it names: "person:<id>", "dn:<DN>" or "name:<user name>" when none was found.
    account: Mapped[str | None] = mapped_column(String(500))
    #: The client address.
    ip: Mapped[str] = mapped_column(String(64))
    #: Whether the password was right.
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When it happened.
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_ip_at", "ip", "at"),
        Index("ix_login_attempt_account_at", "account", "at"),
    )


class UserSession(Base):
    """A server-side session (Flask-Session's data, in our table), and whose it is.

    The cookie holds only the session id; the row holds its SHA-256, so a copy of the
    database does not hand out live sessions. Deleting the row ends the session."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 (hex) of the session id in the cookie.
    session_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: The session's contents, serialised by Flask-Session (msgpack).
    data: Mapped[bytes] = mapped_column(LargeBinary)
    #: Who is logged in with it (None before log-in).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    #: When the session began (log-in rotates the id, so for a logged-in session: the log-in).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When a request last used it (written at most once a minute).
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it ends if no request comes (last_seen_at + SESSION_IDLE_MINUTES).
    expires_at: Mapped[datetime] = mapped_column(index=True)
    #: The client address that began it.
    ip: Mapped[str] = mapped_column(String(64), default="")
    #: The browser that began it (User-Agent, shortened).
    user_agent: Mapped[str] = mapped_column(String(300), default="")

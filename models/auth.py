"""Roles granted in the app and login attempts (for rate limiting)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

ROLES = ("admin", "comms", "manager", "employee")
GRANTABLE_ROLES = ("admin", "comms")


class RoleGrant(Base):
    """A role granted in the app (admin, comms) on top of what the directory says."""

    __tablename__ = "role_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who has the role.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: "admin" or "comms".
    role: Mapped[str] = mapped_column(String(20))
    #: "app" for grants made here, "directory" for grants from group membership.
    source: Mapped[str] = mapped_column(String(20), default="app")
    #: Who granted it (None for the CLI or the directory).
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: When it was granted.
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("uq_role_grant_person_role_source", "person_id", "role", "source", unique=True),)



class LoginAttempt(Base):
    """One login attempt; recent failures per account and per IP drive the rate limit."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The user name as typed, lower-cased (may not exist).
    username: Mapped[str] = mapped_column(String(200))
    #: The client address.
    ip: Mapped[str] = mapped_column(String(64))
    #: Whether the password was right.
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When it happened.
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_ip_at", "ip", "at"),
    )

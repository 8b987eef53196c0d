"""The demo's log-ins: random passwords made once per database (demo mode only)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class DemoLogin(Base):
    """One demo log-in, shown on the login page in demo mode. The password is random per
    database (made by `flask demo load`), never in the source; the person's own
    password hash is what log-in checks."""

    __tablename__ = "demo_login"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "admin", "comms", "manager" or "employee".
    role: Mapped[str] = mapped_column(String(20))
    #: The demo person's user name.
    username: Mapped[str] = mapped_column(String(200), unique=True)
    #: The password in clear: it is printed and shown on the demo's login page anyway.
    password: Mapped[str] = mapped_column(String(100))
    #: When it was made.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""People, units and the org tree (filled by the directory sync or by local accounts)."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, one_of, utcnow

if TYPE_CHECKING:
    from models.auth import RoleGrant


#: `DirectorySyncRun.outcome` and `.trigger` values (see the columns).
SYNC_OUTCOMES = ("requested", "running", "ok", "failed", "refused")
SYNC_TRIGGERS = ("cli", "scheduler", "admin", "demo", "changes")

class Unit(Base):
    """An organisational unit: a förvaltning, an enhet or a sektion."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable key derived from the directory's department attributes (e.g. "HSF/Akutkliniken").
    key: Mapped[str] = mapped_column(String(400), unique=True)
    #: Display name shown in the UI ("Akutkliniken").
    name: Mapped[str] = mapped_column(String(200))
    #: The unit this one belongs to; None for a förvaltning (top level).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    #: 0 = förvaltning, 1 = enhet, 2 = sektion, deeper levels allowed.
    level: Mapped[int] = mapped_column(Integer, default=0)
    #: Materialised path of unit ids ("/3/17/"), rebuilt with the tree; prefix = subtree.
    path: Mapped[str] = mapped_column(String(400), default="/", index=True)
    #: False when no active person belongs to the unit any more (kept for history).
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id")


def person_name(display_name: str | None, given_name: str | None, family_name: str | None, username: str) -> str:
    """What `Person.name` shows, from the columns alone (for lists read as plain rows)."""
    return display_name or f"{given_name or ''} {family_name or ''}".strip() or username


class Person(UserMixin, Base):
    """Someone on the staff; also the account that logs in."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable directory id (entryUUID / objectGUID); None for local accounts.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Last seen distinguished name (changes on rename or move; never used as a key).
    dn: Mapped[str | None] = mapped_column(String(1000))
    #: Normalised DN used to resolve other people's manager references.
    dn_norm: Mapped[str | None] = mapped_column(String(1000), index=True)
    #: Login name (uid / sAMAccountName), stored lower-case.
    username: Mapped[str] = mapped_column(String(200), unique=True)
    #: E-mail address, may be missing in the directory.
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    #: Anställningsnummer (employeeNumber / employeeID).
    employee_number: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Given name (förnamn).
    given_name: Mapped[str] = mapped_column(String(200), default="")
    #: Family name (efternamn).
    family_name: Mapped[str] = mapped_column(String(200), default="")
    #: Display name as the directory shows it.
    display_name: Mapped[str] = mapped_column(String(400), default="")
    #: Job title.
    title: Mapped[str | None] = mapped_column(String(400))
    #: The unit the person belongs to.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    #: Direct manager; None for the top of the tree or when unknown.
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    #: True when the manager reference could not be resolved (dangling, self, cycle).
    manager_unknown: Mapped[bool] = mapped_column(Boolean, default=False)
    #: First day of employment, drives the new-starter window.
    start_date: Mapped[date | None] = mapped_column(Date)
    #: False once deactivated (left, or disabled in the directory); nobody is deleted.
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    #: When the directory first stopped returning the person (grace period starts).
    missing_since: Mapped[datetime | None]
    #: When the person was deactivated.
    deactivated_at: Mapped[datetime | None]
    #: When retention replaced the leaver's name and addresses with a pseudonym (privacy/purge.py).
    pseudonymised_at: Mapped[datetime | None]
    #: Password hash for local accounts; None means log in through the directory.
    password_hash: Mapped[str | None] = mapped_column(String(300))
    #: Preferred UI language ("sv" or "en"); None means follow the browser.
    locale: Mapped[str | None] = mapped_column(String(8))
    #: Number of people below this person (rebuilt with the tree); >0 means manager.
    subtree_size: Mapped[int] = mapped_column(Integer, default=0)
    #: Row creation time (indexed: the first directory load, min(created_at), is read by every live status).
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Last change by the sync or an admin.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit | None] = relationship()
    manager: Mapped[Person | None] = relationship(remote_side="Person.id")
    grants: Mapped[list[RoleGrant]] = relationship(
        foreign_keys="RoleGrant.person_id", lazy="selectin", viewonly=True
    )

    @property
    def name(self) -> str:
        return person_name(self.display_name, self.given_name, self.family_name, self.username)

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated people cannot log in
        return bool(self.active)

    @property
    def is_manager(self) -> bool:
        return (self.subtree_size or 0) > 0

    @property
    def roles(self) -> frozenset[str]:
        """Every role the person has now: granted ones, manager if anyone is below, employee."""
        roles = {"employee"} | {g.role for g in self.grants}
        if self.is_manager:
            roles.add("manager")
        return frozenset(roles)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class PersonAncestor(Base):
    """Closure table of the org tree: one row per (manager above, person below).

    "Everyone below X" and "is Y below X" are then a single indexed lookup.
    Rebuilt by `directory.tree.rebuild_closure()` whenever managers change.
    """

    __tablename__ = "person_ancestor"

    #: The manager (any level above).
    ancestor_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    #: The person below them.
    descendant_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    #: 1 for a direct report, 2 for a report's report, …
    depth: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_person_ancestor_descendant", "descendant_id", "ancestor_id"),)


class DirectorySyncRun(Base):
    """One run of the directory sync, kept for admins (and for the auditors)."""

    __tablename__ = "directory_sync_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When the run started (or was requested, for outcome "requested").
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: When it ended.
    finished_at: Mapped[datetime | None]
    #: "requested", "running", "ok", "failed" (server trouble) or "refused" (safety check).
    outcome: Mapped[str] = mapped_column(String(20), default="running")
    #: True for a dry run that changed nothing by design.
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    #: What started it: "cli", "scheduler", "admin" or "demo" (loading the demo).
    trigger: Mapped[str] = mapped_column(String(20), default="cli")
    #: Who asked for it (admin runs).
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: Counts: seen, created, updated, moved, missing, deactivated, reactivated, units.
    counts: Mapped[dict | None] = mapped_column(JSON)
    #: Problem lists: dangling_manager, cycles, no_mail, invalid.
    problems: Mapped[dict | None] = mapped_column(JSON)
    #: Why it failed or was refused, in plain words.
    message: Mapped[str | None] = mapped_column(Text)
    #: Wall-clock duration.
    seconds: Mapped[float | None]

    __table_args__ = (
        one_of("outcome", SYNC_OUTCOMES),
        one_of("trigger", SYNC_TRIGGERS),
    )


"""Writes a planned directory sync (see `directory.sync`) inside the caller's transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import aliased

from directory import client
from directory.dn import normalise_dn
from directory.tree import rebuild_closure, rebuild_unit_paths
from extensions import db
from models import Person, RoleGrant, Unit

BATCH = 2000
person_table = Person.__table__


def current_links() -> tuple[dict[str, str | None], dict[str, str | None]]:
    """(external id -> manager's external id, external id -> unit key) as stored now."""
    boss = aliased(Person)
    rows = db.session.execute(
        select(Person.external_id, boss.external_id, Unit.key)
        .outerjoin(boss, boss.id == Person.manager_id)
        .outerjoin(Unit, Unit.id == Person.unit_id)
        .where(Person.external_id.is_not(None))
    ).all()
    return {e: m for e, m, _u in rows}, {e: u for e, _m, u in rows}


def _ensure_units(plan) -> dict[str, int]:
    units = {u.key: u for u in db.session.scalars(select(Unit))}
    for path in plan.new_units:
        key = "/".join(path)
        parent = units.get("/".join(path[:-1])) if len(path) > 1 else None
        unit = Unit(key=key, name=path[-1], parent_id=parent.id if parent else None, level=len(path) - 1)
        db.session.add(unit)
        db.session.flush()
        units[key] = unit
    for key, unit in units.items():
        unit.active = key in plan.unit_keys
    if plan.new_units:
        db.session.flush()
        rebuild_unit_paths(db.session)
    return {k: u.id for k, u in units.items()}


def _free_usernames(plan) -> None:
    """A user name now used by a new directory person: adopt a local account of that name,
    or rename a leaver's record that still holds it."""
    wanted = {rec.username: rec for rec in plan.creates}
    if not wanted:
        return
    holders = db.session.scalars(select(Person).where(Person.username.in_(list(wanted)))).all()
    for holder in holders:
        rec = wanted[holder.username]
        if holder.external_id is None:
            holder.external_id = rec.external_id  # a local account becomes the directory person
            plan.creates.remove(rec)
            plan.result.created -= 1
            plan.result.updated += 1
        else:
            holder.username = f"{holder.username}~{holder.id}"
    db.session.flush()


def _person_row(rec, unit_ids: dict[str, int], now: datetime) -> dict:
    row = {f: getattr(rec, f) for f in ("external_id", "username", "email", "display_name", "given_name",
                                        "family_name", "title", "dn", "dn_norm", "employee_number", "start_date")}
    row.update(unit_id=unit_ids.get("/".join(rec.unit_path)), active=not rec.disabled, manager_unknown=False,
               subtree_size=0, created_at=now, updated_at=now, deactivated_at=now if rec.disabled else None)
    return row


def _write_people(plan, unit_ids: dict[str, int], now: datetime, on_write) -> None:
    written = 0
    for i in range(0, len(plan.creates), BATCH):
        chunk = plan.creates[i : i + BATCH]
        db.session.execute(insert(Person), [_person_row(r, unit_ids, now) for r in chunk])
        written += len(chunk)
        if on_write:
            on_write(written)
    for person_id, changes in plan.updates.items():
        values = dict(changes)
        if "unit_key" in values:
            values["unit_id"] = unit_ids.get(values.pop("unit_key")) if values["unit_key"] else None
            values.pop("unit_key", None)
        values["updated_at"] = now
        db.session.execute(update(Person).where(Person.id == person_id).values(**values))


def _write_managers(plan) -> bool:
    rows = db.session.execute(
        select(Person.id, Person.external_id, Person.manager_id, Person.manager_unknown)
        .where(Person.external_id.is_not(None))
    ).all()
    ids = {ext: pid for pid, ext, _m, _u in rows}
    changed = []
    for pid, ext, manager_id, unknown in rows:
        if ext not in plan.managers:
            continue
        boss = plan.managers[ext]
        want = (ids.get(boss) if boss else None, ext in plan.unknown_manager)
        if (manager_id, bool(unknown)) != want:
            changed.append({"pid": pid, "mid": want[0], "unk": want[1]})
    if changed:
        stmt = update(person_table).where(person_table.c.id == bindparam("pid")).values(
            manager_id=bindparam("mid"), manager_unknown=bindparam("unk"))
        for i in range(0, len(changed), BATCH):
            db.session.execute(stmt, changed[i : i + BATCH])
    return bool(changed)


def _write_presence(plan, now: datetime) -> None:
    if plan.missing_now:
        db.session.execute(update(Person).where(Person.id.in_(plan.missing_now)).values(missing_since=now))
    if plan.deactivate:
        db.session.execute(update(Person).where(Person.id.in_(plan.deactivate))
                           .values(active=False, deactivated_at=now))
    if plan.reactivate:
        db.session.execute(update(Person).where(Person.id.in_(plan.reactivate))
                           .values(active=True, missing_since=None, deactivated_at=None))


def _write_group_roles(settings) -> None:
    """Admin and comms from directory groups (source "directory"); app grants are untouched."""
    by_dn = dict(db.session.execute(select(Person.dn_norm, Person.id).where(Person.dn_norm.is_not(None))).all())
    for role, group_dn in (("admin", settings.admin_group_dn), ("comms", settings.comms_group_dn)):
        if not group_dn:
            continue
        members = {by_dn[n] for n in (normalise_dn(m) for m in client.group_members(settings.server, group_dn))
                   if n in by_dn}
        current = set(db.session.scalars(select(RoleGrant.person_id).where(
            RoleGrant.role == role, RoleGrant.source == "directory")))
        if current - members:
            db.session.execute(delete(RoleGrant).where(RoleGrant.role == role, RoleGrant.source == "directory",
                                                       RoleGrant.person_id.in_(current - members)))
        if members - current:
            db.session.execute(insert(RoleGrant), [{"person_id": pid, "role": role, "source": "directory"}
                                                   for pid in sorted(members - current)])


def apply_plan(plan, now: datetime, settings, on_write=None) -> None:
    """Write every planned change (the caller commits or rolls back)."""
    unit_ids = _ensure_units(plan)
    _free_usernames(plan)
    _write_people(plan, unit_ids, now, on_write)
    managers_changed = _write_managers(plan)
    _write_presence(plan, now)
    _write_group_roles(settings)
    if plan.creates or managers_changed or plan.deactivate or plan.reactivate:
        db.session.flush()
        rebuild_closure(db.session)

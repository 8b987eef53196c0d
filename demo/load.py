"""Loads Region Exempel into the database (idempotent: a second run changes nothing)."""
from __future__ import annotations

from sqlalchemy import select

from auth import operations
from demo.region import DEMO_LOGINS, build_region
from directory.tree import rebuild_closure, rebuild_unit_paths
from extensions import db
from models import Person, Unit


def load_people() -> dict:
    """Create the demo units and people unless they are there already."""
    units, people = build_region()
    existing_units = {u.key: u for u in db.session.scalars(select(Unit))}
    for demo_unit in units:
        if demo_unit.key not in existing_units:
            parent = existing_units.get("/".join(demo_unit.path[:-1])) if len(demo_unit.path) > 1 else None
            unit = Unit(key=demo_unit.key, name=demo_unit.name, parent_id=parent.id if parent else None)
            db.session.add(unit)
            db.session.flush()
            existing_units[demo_unit.key] = unit
    by_ext = {p.external_id: p for p in db.session.scalars(select(Person).where(Person.external_id.is_not(None)))}
    created = 0
    for dp in people:
        person = by_ext.get(dp.external_id)
        if person is None:
            person = Person(external_id=dp.external_id, username=dp.username)
            db.session.add(person)
            by_ext[dp.external_id] = person
            created += 1
        person.given_name, person.family_name = dp.given_name, dp.family_name
        person.display_name, person.email, person.title = dp.display_name, dp.email, dp.title
        person.employee_number, person.start_date = dp.employee_number, dp.start_date
        person.unit_id = existing_units["/".join(dp.unit_path)].id if dp.unit_path else None
    db.session.flush()
    by_username = {p.username: p for p in by_ext.values()}
    for dp in people:
        manager = by_username.get(dp.manager_username) if dp.manager_username else None
        by_username[dp.username].manager_id = manager.id if manager else None
    db.session.flush()
    rebuild_unit_paths(db.session)
    report = rebuild_closure(db.session)
    return {"people": len(people), "created": created, "units": len(units), "closure_rows": report.closure_rows}


def ensure_logins() -> None:
    """Give the demo log-ins their passwords and roles (hashing only when missing)."""
    for login in DEMO_LOGINS:
        person = db.session.scalar(select(Person).where(Person.username == login["username"]))
        if person is None:
            raise RuntimeError(f"demo person {login['username']} missing")
        if not person.password_hash:
            person.password_hash = operations.hash_password(login["password"])
        if login["role"] in ("admin", "comms"):
            operations.grant_role(person, login["role"], granted_by=None)


def load_demo() -> dict:
    result = load_people()
    ensure_logins()
    db.session.commit()
    from training.demo import load_demo_training

    result["training"] = load_demo_training()
    return result

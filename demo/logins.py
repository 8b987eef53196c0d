"""The demo log-ins' passwords: random, made once per database, never in the source.

`flask demo load` makes them (and sets them as the demo people's own passwords); the
login page shows them in demo mode only, and `demo load` / `demo serve` print them.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select

from auth.operations import hash_password
from demo.region import DEMO_LOGINS
from extensions import db
from models import DemoLogin, Person


def ensure_passwords() -> list[DemoLogin]:
    """Make the missing demo passwords and set each demo person's password to theirs (the
    caller commits). A second run keeps the passwords people may already have noted."""
    stored = {row.username: row for row in db.session.scalars(select(DemoLogin))}
    people = {p.username: p for p in db.session.scalars(
        select(Person).where(Person.username.in_([login["username"] for login in DEMO_LOGINS])))}
    for login in DEMO_LOGINS:
        row = stored.get(login["username"])
        made = row is None
        if row is None:
            row = DemoLogin(role=login["role"], username=login["username"], password=secrets.token_urlsafe(9))
            db.session.add(row)
            stored[row.username] = row
        person = people.get(row.username)
        if person is not None and (made or not person.password_hash):
            person.password_hash = hash_password(row.password)
    db.session.flush()
    return current()


def current() -> list[DemoLogin]:
    """The demo log-ins of this database, in the order of DEMO_LOGINS (empty before `demo load`)."""
    order = {login["username"]: i for i, login in enumerate(DEMO_LOGINS)}
    rows = db.session.scalars(select(DemoLogin)).all()
    return sorted(rows, key=lambda row: order.get(row.username, len(order)))

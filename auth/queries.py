"""Reads for the people-and-roles admin page."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from directory.search import name_matches
from extensions import db
from models import Person, RoleGrant

PAGE_SIZE = 50


@dataclass
class PeoplePage:
    people: list[Person]
    total: int
    page: int
    pages: int


def people_page(q: str = "", role: str = "", page: int = 1) -> PeoplePage:
    stmt = select(Person)
    if q:
        stmt = stmt.where(name_matches(q, Person.email))
    if role in ("admin", "comms"):
        stmt = stmt.where(Person.id.in_(select(RoleGrant.person_id).where(RoleGrant.role == role)))
    elif role == "manager":
        stmt = stmt.where(Person.subtree_size > 0)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    people = db.session.scalars(
        stmt.order_by(Person.family_name, Person.given_name, Person.username)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return PeoplePage(list(people), total, page, pages)


@dataclass
class AttackedAccount:
    #: The person, when the account is one we know.
    person: Person | None
    #: What to show when it is not: the DN or the user name that was tried.
    label: str
    failures: int
    addresses: int
    last_at: object


def attacked_accounts(rows: list) -> list[AttackedAccount]:
    """Put people's names on `throttle.accounts_under_attack()` rows."""
    ids = [int(r.account.split(":", 1)[1]) for r in rows if r.account.startswith("person:")]
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}
    result = []
    for r in rows:
        kind, _, value = r.account.partition(":")
        person = people.get(int(value)) if kind == "person" else None
        result.append(AttackedAccount(person, value, r.failures, r.addresses, r.last_at))
    return result

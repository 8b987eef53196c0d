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
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    people = db.session.scalars(
        stmt.order_by(Person.family_name, Person.given_name, Person.username)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return PeoplePage(list(people), total, page, pages)

"""Reads of people and the org tree, always scoped by `auth.access`."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from directory import tree
from directory.search import name_matches
from extensions import db
from models import DirectorySyncRun, Person, PersonAncestor, Unit

SORTS = {
    "name": (Person.family_name, Person.given_name),
    "unit": (Unit.name, Person.family_name),
    "title": (Person.title, Person.family_name),
}


@dataclass
class TeamPage:
    manager: Person
    rows: list[tuple[Person, Unit | None, int]]
    total: int
    direct: int
    page: int
    pages: int


def team_page(manager: Person, *, q: str = "", scope: str = "all", sort: str = "name",
              desc: bool = False, page: int = 1, page_size: int = 100) -> TeamPage:
    """People below `manager`: direct reports (scope="direct") or everyone below."""
    stmt = (
        select(Person, Unit, PersonAncestor.depth)
        .join(PersonAncestor, PersonAncestor.descendant_id == Person.id)
        .outerjoin(Unit, Unit.id == Person.unit_id)
        .where(PersonAncestor.ancestor_id == manager.id, Person.active.is_(True))
    )
    if scope == "direct":
        stmt = stmt.where(PersonAncestor.depth == 1)
    if q:
        stmt = stmt.where(name_matches(q, Unit.name))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    direct = db.session.scalar(
        select(func.count()).select_from(PersonAncestor).where(
            PersonAncestor.ancestor_id == manager.id, PersonAncestor.depth == 1
        )
    ) or 0
    cols = SORTS.get(sort, SORTS["name"])
    order = [c.desc() if desc else c.asc() for c in cols] + [Person.id]
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = db.session.execute(stmt.order_by(*order).limit(page_size).offset((page - 1) * page_size)).all()
    return TeamPage(manager, [tuple(r) for r in rows], total, direct, page, pages)


def chain_of_managers(person: Person) -> list[Person]:
    """The person's managers, nearest first."""
    rows = db.session.execute(
        select(Person, PersonAncestor.depth)
        .join(PersonAncestor, PersonAncestor.ancestor_id == Person.id)
        .where(PersonAncestor.descendant_id == person.id)
        .order_by(PersonAncestor.depth)
    ).all()
    return [p for p, _ in rows]


def count_below(manager_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(tree.people_below(manager_id).subquery())) or 0


def org_roots() -> tuple[list[Person], list[Person]]:
    """Active people at the top of the tree, and those hanging under "no known manager"."""
    base = select(Person).where(Person.active.is_(True), Person.manager_id.is_(None))
    tops = db.session.scalars(base.where(Person.manager_unknown.is_(False))
                              .order_by(Person.subtree_size.desc(), Person.family_name)).all()
    unknown = db.session.scalars(base.where(Person.manager_unknown.is_(True))
                                 .order_by(Person.family_name, Person.given_name)).all()
    return list(tops), list(unknown)


def recent_runs(limit: int = 50) -> list[DirectorySyncRun]:
    """The newest sync runs first."""
    return list(db.session.scalars(select(DirectorySyncRun).order_by(DirectorySyncRun.id.desc()).limit(limit)))


def sync_pending() -> bool:
    """Whether a sync is requested or running now."""
    return db.session.scalar(select(DirectorySyncRun.id).where(
        DirectorySyncRun.outcome.in_(("requested", "running"))).limit(1)) is not None

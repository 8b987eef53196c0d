"""Moving through the org on "Mitt team": the managers reporting to a manager with their
team's numbers, the breadcrumb back up to the viewer, and the people's days overdue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from extensions import db
from models import Person, Requirement, TeamSummary
from training.queries import _counts
from training.rows import PERSON_ROW_COLUMNS, PersonRow, person_row
from training.status import STATES, Counts

#: Deeper than any real org; stops a broken manager chain from looping.
MAX_DEPTH = 50


@dataclass
class ReportTeam:
    #: The manager reporting to the page's manager (id and name: all the page shows).
    manager: PersonRow
    counts: Counts


def report_teams(requirement: Requirement, manager: Person) -> list[ReportTeam]:
    """Direct reports of `manager` who have people below them, with their whole team's numbers
    (plain rows: a director can have dozens)."""
    rows = db.session.execute(
        select(*PERSON_ROW_COLUMNS, *(getattr(TeamSummary, s) for s in STATES))
        .join(TeamSummary, TeamSummary.manager_id == Person.id).where(
            Person.manager_id == manager.id, Person.active.is_(True), Person.subtree_size > 0,
            TeamSummary.requirement_id == requirement.id, TeamSummary.kind == "all")).all()
    width = len(PERSON_ROW_COLUMNS)
    teams = [ReportTeam(person_row(*row[:width]), _counts(row)) for row in rows]
    return sorted(teams, key=lambda t: t.manager.name)


def trail(viewer: Person, manager: Person) -> list[Person]:
    """The managers from the viewer (or, for someone above nobody, the top) down to `manager`,
    `manager` last; just [manager] when it is the viewer."""
    chain, seen = [manager], {manager.id}
    current = manager
    while current.id != viewer.id and current.manager is not None and len(chain) < MAX_DEPTH:
        current = current.manager
        if current.id in seen:
            break
        seen.add(current.id)
        chain.append(current)
    if chain[-1].id != viewer.id and not viewer.has_role("admin"):
        return [manager]  # someone the viewer reaches otherwise (a delegate): no trail to show
    return list(reversed(chain))


def days_overdue(due_on: date | None, state: str, today: date) -> int | None:
    """Whole days past the due date for someone overdue, else None."""
    if state != "overdue" or due_on is None:
        return None
    return max((today - due_on).days, 0)

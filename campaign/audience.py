"""Who a plan message reaches, resolved from the directory at the moment it is needed,
and what the training package says about a person's course.

* "all": every active person; "units": active people in the chosen units and every unit
  below them; "managers": active people with someone below them; "not_done": people the
  training package says have not completed the mandatory course. The last two can be
  narrowed to units. People who have left (inactive) are never included, and a person
  reached through two chosen units is there once.
* The course data comes from `training.facts` (the same status rule as the team pages).
  With no active requirement the "not_done" audience raises TrainingUnavailable with a
  clear message, and the {status}/{kurslänk} placeholders get safe defaults.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.errors import PlanError
from directory import tree
from extensions import db
from models import Person
from training import facts

#: Plain Swedish words for a message body ("Din status: försenad"); data, like the message text.
STATUS_WORDS = {
    "completed": "genomförd", "in_progress": "påbörjad", "not_started": "ej påbörjad",
    "overdue": "försenad", "exempt": "undantagen",
}


class TrainingUnavailable(PlanError, RuntimeError):
    """No mandatory course is required at the moment: there is no "not done" to ask about."""

    def __init__(self, detail: str):
        super().__init__("training_unavailable", message=detail)


@dataclass(frozen=True)
class TrainingInfo:
    #: The person's course status as shown in a message ("genomförd", "försenad", …).
    status: str
    #: Where the person takes the course.
    course_url: str


def training_available() -> bool:
    """Whether a mandatory course is required (an active requirement exists)."""
    return bool(facts.active_requirements())


def not_done_person_ids(now: datetime) -> set[int]:
    """THE function behind the "not done with the course" audience: everyone an active
    requirement covers who has not completed (or been exempted from) it at `now`."""
    requirements = facts.active_requirements()
    if not requirements:
        raise TrainingUnavailable("no mandatory course is required at the moment (no active requirement)")
    ids: set[int] = set()
    for requirement in requirements:
        ids.update(pid for pid, status in facts.statuses(requirement, now).items() if not status.done)
    return ids


def person_info(person: Person, now: datetime) -> TrainingInfo | None:
    """The person's status and course link under the first requirement that covers them."""
    default_url = current_app.config.get("COURSE_URL") or current_app.config["BASE_URL"]
    for requirement in facts.active_requirements():
        status = facts.status_of(requirement, person, now)
        if status is not None:
            return TrainingInfo(STATUS_WORDS.get(status.state, status.state), requirement.course.url or default_url)
    return None


def training_values(person: Person, now: datetime, unknown_status: str) -> dict[str, str]:
    """{status} and {kurslänk} for one person; safe defaults when the course does not apply."""
    default_url = current_app.config.get("COURSE_URL") or current_app.config["BASE_URL"]
    info = person_info(person, now)
    if info is None:
        return {"status": unknown_status, "kurslänk": default_url}
    return {"status": info.status or unknown_status, "kurslänk": info.course_url or default_url}


def resolve(kind: str, unit_ids: Iterable[int], now: datetime) -> list[Person]:
    """The active people in the audience, each once, ordered by id."""
    unit_ids = list(unit_ids)
    stmt = select(Person).where(Person.active.is_(True)).options(selectinload(Person.unit))  # {enhet}, one query
    if kind == "units" and not unit_ids:
        return []
    if unit_ids and kind != "all":
        stmt = stmt.where(Person.unit_id.in_(tree.units_below(unit_ids)))
    if kind == "managers":
        stmt = stmt.where(Person.subtree_size > 0)
    elif kind not in ("all", "units", "not_done"):
        raise ValueError(f"unknown audience {kind!r}")
    people = list(db.session.scalars(stmt.order_by(Person.id)))
    if kind == "not_done":
        wanted = not_done_person_ids(now)
        people = [p for p in people if p.id in wanted]
    return people

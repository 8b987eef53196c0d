"""Who a plan message reaches, resolved from the directory at the moment it is needed,
and the one hook into the training package.

* "all": every active person; "units": active people in the chosen units and every unit
  below them; "managers": active people with someone below them; "not_done": people the
  training package says have not completed the mandatory course. The last two can be
  narrowed to units. People who have left (inactive) are never included, and a person
  reached through two chosen units is there once.
* The training package (built separately) plugs in with `set_training_hook(app, hook)`;
  without it the "not_done" audience raises TrainingUnavailable with a clear message and
  the {status}/{kurslänk} placeholders get safe defaults.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Protocol

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from models import Person, Unit

HOOK_KEY = "campaign.training"


class TrainingUnavailable(RuntimeError):
    """The training package is not installed or not configured: no course data to ask."""


@dataclass(frozen=True)
class TrainingInfo:
    #: The person's course status as shown in a message ("klar", "försenad", …).
    status: str
    #: Where the person takes the course.
    course_url: str


class TrainingHook(Protocol):
    """What the training package provides (see docs/readme/campaign.md)."""

    def not_done_person_ids(self, now: datetime) -> Iterable[int]:
        """Ids of people who must take the course and have not completed it."""

    def person_info(self, person: Person, now: datetime) -> TrainingInfo | None:
        """The person's status and course link, or None if the course does not apply to them."""


def set_training_hook(app, hook: TrainingHook | None) -> None:
    """Called by the training package's init_app (or a test) to plug in course data."""
    app.extensions[HOOK_KEY] = hook


def training_hook() -> TrainingHook | None:
    return current_app.extensions.get(HOOK_KEY)


def training_available() -> bool:
    return training_hook() is not None


def not_done_person_ids(now: datetime) -> set[int]:
    """THE function behind the "not done with the course" audience."""
    hook = training_hook()
    if hook is None:
        raise TrainingUnavailable("course data is not available in this installation (no training hook)")
    return {int(pid) for pid in hook.not_done_person_ids(now)}


def training_values(person: Person, now: datetime, unknown_status: str) -> dict[str, str]:
    """{status} and {kurslänk} for one person; safe defaults when there is no course data."""
    default_url = current_app.config.get("COURSE_URL") or current_app.config["BASE_URL"]
    hook = training_hook()
    info = hook.person_info(person, now) if hook is not None else None
    if info is None:
        return {"status": unknown_status, "kurslänk": default_url}
    return {"status": info.status or unknown_status, "kurslänk": info.course_url or default_url}


def unit_subtree_ids(unit_ids: Iterable[int]) -> set[int]:
    """The given units and every unit below them (from Unit.parent_id; cycles cannot loop)."""
    children: dict[int, list[int]] = defaultdict(list)
    for uid, parent in db.session.execute(select(Unit.id, Unit.parent_id)):
        if parent is not None:
            children[parent].append(uid)
    found: set[int] = set()
    stack = list(unit_ids)
    while stack:
        uid = stack.pop()
        if uid in found:
            continue
        found.add(uid)
        stack.extend(children.get(uid, ()))
    return found


def resolve(kind: str, unit_ids: Iterable[int], now: datetime) -> list[Person]:
    """The active people in the audience, each once, ordered by id."""
    unit_ids = list(unit_ids)
    stmt = select(Person).where(Person.active.is_(True)).options(selectinload(Person.unit))  # {enhet}, one query
    if kind == "units" and not unit_ids:
        return []
    if unit_ids and kind != "all":
        stmt = stmt.where(Person.unit_id.in_(sorted(unit_subtree_ids(unit_ids))))
    if kind == "managers":
        stmt = stmt.where(Person.subtree_size > 0)
    elif kind not in ("all", "units", "not_done"):
        raise ValueError(f"unknown audience {kind!r}")
    people = list(db.session.scalars(stmt.order_by(Person.id)))
    if kind == "not_done":
        wanted = not_done_person_ids(now)
        people = [p for p in people if p.id in wanted]
    return people

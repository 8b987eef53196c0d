"""Reads for the follow-up pages: lists, choices for the forms, and the history in words."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select

from extensions import db
from followup import history, labels
from models import (
    Action,
    Activity,
    AuditReport,
    ChangeLog,
    Document,
    Person,
    PlanMessage,
    Recommendation,
    Requirement,
    RoleGrant,
)


def reports() -> list[AuditReport]:
    return list(db.session.scalars(select(AuditReport).order_by(AuditReport.issued_on.desc().nulls_last(),
                                                                AuditReport.id.desc())))


def owner_choices(current_id: int | None = None) -> list[tuple[int, str]]:
    """People who can own an action: managers and people with a role in Vaksam (plus the current owner)."""
    granted = select(RoleGrant.person_id)
    people = list(db.session.scalars(select(Person).where(
        Person.active.is_(True), or_(Person.subtree_size > 0, Person.id.in_(granted), Person.id == current_id))
        .order_by(Person.family_name, Person.given_name)))
    return [(0, _("– ingen vald –"))] + [(p.id, f"{p.name} ({p.username})") for p in people]


def evidence_choices() -> dict[str, list[tuple[int, str]]]:
    activities = db.session.scalars(select(Activity).order_by(Activity.starts_at.desc()).limit(500))
    messages = db.session.scalars(select(PlanMessage).order_by(PlanMessage.planned_at.desc()).limit(500))
    requirements = db.session.scalars(select(Requirement).order_by(Requirement.name))
    none = [(0, _("– välj –"))]
    return {
        "activity": none + [(a.id, f"{a.starts_at.date().isoformat()} {a.title}") for a in activities],
        "message": none + [(m.id, f"{m.planned_at.date().isoformat()} {m.title} ({m.channel})") for m in messages],
        "requirement": none + [(r.id, r.name) for r in requirements],
    }


def actions_of(recommendation: Recommendation) -> list[Action]:
    return list(db.session.scalars(select(Action).where(Action.recommendation_id == recommendation.id)
                                   .order_by(Action.due_on.is_(None), Action.due_on, Action.id)))


@dataclass
class ChangeLine:
    change: ChangeLog
    field: str
    old: str
    new: str


def _shown(field: str, value: str, names: dict[int, str], recs: dict[int, str]) -> str:
    if value == "":
        return "–"
    if field == "status":
        return str(labels.ACTION_STATUSES.get(value, value))
    if field == "owner_id":
        return names.get(int(value), value)
    if field == "recommendation_id":
        return recs.get(int(value), value)
    return value


def action_history(action: Action) -> list[ChangeLine]:
    """The action's history with people, statuses and recommendations in words, newest first."""
    changes = history.of_action(action.id)
    ids = {int(v) for c in changes if c.field == "owner_id" for v in (c.old_value, c.new_value) if v}
    names = {p.id: p.name for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}
    recs = {r.id: _("Rekommendation %(n)s", n=r.number) for r in db.session.scalars(select(Recommendation))}
    return [ChangeLine(c, str(labels.FIELDS.get(c.field, c.field)), _shown(c.field, c.old_value, names, recs),
                       _shown(c.field, c.new_value, names, recs)) for c in reversed(changes)]


def document(document_id: int) -> Document | None:
    return db.session.get(Document, document_id)

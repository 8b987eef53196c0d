"""What an APT material is: one notion for the two things that can be one.

* a campaign activity of kind "apt" (not cancelled): audience its units (or the whole region),
  deadline its end;
* a plan message on the APT channel (setting `APT_CHANNEL`) once sent or published: audience
  its units (or the whole region when it names none), deadline `APT_MESSAGE_DEADLINE_DAYS`
  after it went out.

Everything in apt/ (confirmation, coverage, KPI, digest, mail) works on `Material`, so the two
kinds are handled by the same code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from extensions import db
from main.navigation import absolute_url
from models import Activity, PlanMessage
from models.apt import AptConfirmation, AptDigestEntry

ACTIVITY, MESSAGE = "activity", "message"
#: Plan message statuses in which a message on the APT channel is a material.
OUT = ("sent", "published")


@dataclass(frozen=True)
class Material:
    #: ACTIVITY or MESSAGE.
    kind: str
    id: int
    title: str
    #: Markdown (message) or plain text (activity).
    body: str
    #: When managers should have confirmed by (UTC).
    deadline: datetime
    whole_region: bool
    unit_ids: tuple[int, ...]

    @property
    def key(self) -> str:
        """"activity:12" / "message:5": stable, used in outbox keys and the CLI."""
        return f"{self.kind}:{self.id}"

    def column_in(self, model: type[AptConfirmation] | type[AptDigestEntry] = AptConfirmation):
        """The column of `model` that names a material of this kind."""
        return model.activity_id if self.kind == ACTIVITY else model.message_id


def link(material: Material) -> str:
    """The absolute link to the material's one-click confirmation page (for mails)."""
    path = f"/apt/{material.id}" if material.kind == ACTIVITY else f"/apt/meddelande/{material.id}"
    return absolute_url(path)


def owner_columns(material: Material) -> dict[str, int]:
    """{"activity_id": id} or {"message_id": id}: the columns that name the material in a row."""
    return {"activity_id": material.id} if material.kind == ACTIVITY else {"message_id": material.id}


def apt_channel() -> str:
    return current_app.config["APT_CHANNEL"]


def from_activity(activity: Activity) -> Material | None:
    if activity.kind != "apt" or activity.status == "cancelled":
        return None
    return Material(ACTIVITY, activity.id, activity.title, activity.description, activity.ends_at,
                    activity.whole_region, tuple(u.id for u in activity.units))


def from_message(message: PlanMessage) -> Material | None:
    if message.channel != apt_channel() or message.status not in OUT or message.sent_at is None:
        return None
    days = current_app.config["APT_MESSAGE_DEADLINE_DAYS"]
    return Material(MESSAGE, message.id, message.title, message.body, message.sent_at + timedelta(days=days),
                    not message.units, tuple(u.id for u in message.units))


def as_material(thing: Material | Activity | PlanMessage) -> Material:
    """A Material from an activity or plan message (ValueError if it is no APT material)."""
    if isinstance(thing, Material):
        return thing
    material = from_activity(thing) if isinstance(thing, Activity) else from_message(thing)
    if material is None:
        raise ValueError("not an APT material")
    return material


def get(kind: str, material_id: int) -> Material | None:
    """The material, or None when there is no such APT material (or it is cancelled / not out yet)."""
    if kind == ACTIVITY:
        activity = db.session.get(Activity, material_id)
        return from_activity(activity) if activity is not None else None
    if kind == MESSAGE:
        message = db.session.get(PlanMessage, material_id)
        return from_message(message) if message is not None else None
    return None


def parse_key(key: str) -> Material | None:
    """"activity:12", "message:5", or a bare id (an activity, as the pages' first URLs)."""
    kind, _sep, raw = key.strip().rpartition(":")
    try:
        return get(kind or ACTIVITY, int(raw))
    except ValueError:
        return None


def all_materials() -> list[Material]:
    """Every APT material, latest deadline first."""
    activities = db.session.scalars(select(Activity).where(Activity.kind == "apt", Activity.status != "cancelled"))
    messages = db.session.scalars(select(PlanMessage).where(PlanMessage.channel == apt_channel(),
                                                            PlanMessage.status.in_(OUT)))
    found = [m for m in (*map(from_activity, activities), *map(from_message, messages)) if m is not None]
    return sorted(found, key=lambda m: (m.deadline, m.kind, m.id), reverse=True)

"""One occurrence of a recurring activity cancelled (EXDATE) or moved (RECURRENCE-ID override).

The change goes through `save_activity`, so the activity's SEQUENCE goes up and invitees get
the updated series (invites/ hears `activity_changed`), like any other edit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from campaign.activities import ActivityData, save_activity
from campaign.operations import PlanError
from invites import recurrence
from main.i18n import local_tz
from models import Activity, Person

#: Swedish messages for the codes this module raises (English from the catalog).
ERRORS = {
    "occ_not_recurring": _l("Aktiviteten upprepas inte."),
    "occ_unknown": _l("Tillfället finns inte i serien (eller är redan inställt)."),
    "occ_no_time": _l("Ange när det flyttade tillfället börjar och slutar."),
    "occ_end_before_start": _l("Slutet måste vara efter början."),
    "occ_in_past": _l("Ett tillfälle kan inte flyttas till en tid som redan varit."),
    "occ_cancelled": _l("Aktiviteten är inställd."),
}


@dataclass(frozen=True)
class OccurrenceChoice:
    """An occurrence the planner can pick: its identity and how it is shown."""

    key: str
    starts_at: datetime
    ends_at: datetime
    moved: bool


def choices(activity: Activity) -> list[OccurrenceChoice]:
    """The series' occurrences as they happen now (cancelled ones left out, moved ones at their new time)."""
    if not activity.rrule:
        return []
    try:
        found = recurrence.occurrences(activity.starts_at, activity.ends_at, activity.rrule, local_tz(),
                                       all_day=bool(activity.all_day), exdates=activity.exdates or [],
                                       overrides=activity.overrides or [])
    except recurrence.RecurrenceError:
        return []
    return [OccurrenceChoice(o.key, o.starts_at, o.ends_at, o.moved) for o in found]


def _data(activity: Activity, exdates: list[str], overrides: list[dict]) -> ActivityData:
    values = {name: getattr(activity, name) for name in (
        "title", "description", "theme", "kind", "starts_at", "ends_at", "place", "online_url", "whole_region",
        "capacity", "organiser_id", "status", "all_day", "rrule")}
    return ActivityData(**values, unit_ids=[u.id for u in activity.units], exdates=exdates, overrides=overrides)


def change_occurrence(activity: Activity, key: str, action: str, starts_at: datetime | None,
                      ends_at: datetime | None, actor: Person, now: datetime) -> Activity:
    """Cancel (`action` "cancel") or move ("move", to starts_at–ends_at, UTC) the occurrence `key`
    (its original local start). All-day activities move by whole days: the dates count, the
    end day included. Raises PlanError (codes in ERRORS) and changes nothing then."""
    if not activity.rrule:
        raise PlanError("occ_not_recurring")
    if activity.status == "cancelled":
        raise PlanError("occ_cancelled")
    if key not in {c.key for c in choices(activity)}:
        raise PlanError("occ_unknown", "occurrence")
    exdates = [d for d in activity.exdates or [] if d != key]
    overrides = [o for o in activity.overrides or [] if o["recurrence_id"] != key]
    if action == "cancel":
        exdates.append(key)
    else:
        if starts_at is None or ends_at is None:
            raise PlanError("occ_no_time", "starts_at" if starts_at is None else "ends_at")
        if activity.all_day:
            tz = local_tz()
            first = starts_at.astimezone(tz).date()
            last = max(first, ends_at.astimezone(tz).date())
            starts_at = datetime.combine(first, time(0), tzinfo=tz)
            ends_at = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
        elif ends_at <= starts_at:
            raise PlanError("occ_end_before_start", "ends_at")
        if starts_at <= now:
            raise PlanError("occ_in_past", "starts_at")
        overrides.append({"recurrence_id": key, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()})
    return save_activity(activity.campaign, _data(activity, sorted(exdates), overrides), actor, now, activity)

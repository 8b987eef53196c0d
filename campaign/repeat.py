"""The activity form's all-day and repeat fields ↔ the activity's all_day, rrule and exdates
(invites/recurrence.py builds and expands the rule). Moved occurrences (overrides) are kept
as they are when a planner edits the activity."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError

from invites import recurrence
from main.i18n import local_tz

FREQ_CHOICES = [("", _l("Upprepas inte")), ("DAILY", _l("Varje dag")), ("WEEKLY", _l("Varje vecka")),
                ("MONTHLY", _l("Varje månad"))]
DAY_CHOICES = [("MO", _l("måndag")), ("TU", _l("tisdag")), ("WE", _l("onsdag")), ("TH", _l("torsdag")),
               ("FR", _l("fredag")), ("SA", _l("lördag")), ("SU", _l("söndag"))]


class RepeatFields:
    """Mixed into ActivityForm."""

    all_day = BooleanField(_l("Heldag"))
    repeat = SelectField(_l("Upprepas"), choices=FREQ_CHOICES, default="",
                         invalid_choice_message=_l("Välj ur listan."))
    repeat_interval = IntegerField(_l("Var"), default=1, validators=[
        Optional(), NumberRange(min=1, max=99, message=_l("Ange ett tal mellan 1 och 99."))])
    repeat_days = SelectMultipleField(_l("Veckodagar"), choices=DAY_CHOICES, default=[])
    repeat_count = IntegerField(_l("Antal gånger"), validators=[
        Optional(), NumberRange(min=1, max=366, message=_l("Ange ett antal mellan 1 och 366."))])
    repeat_until = TextAreaField(_l("Sista dag"), render_kw={"rows": 1})
    cancelled_dates = TextAreaField(_l("Inställda tillfällen"), render_kw={"rows": 3})

    def validate_repeat_until(self, field):
        if field.data and field.data.strip():
            try:
                date.fromisoformat(field.data.strip())
            except ValueError:
                raise ValidationError(_l("Ange sista dagen som ÅÅÅÅ-MM-DD.")) from None

    def validate_cancelled_dates(self, field):
        for line in (field.data or "").split():
            try:
                date.fromisoformat(line)
            except ValueError:
                raise ValidationError(_l("Ange varje inställt tillfälle som ÅÅÅÅ-MM-DD, ett per rad.")) from None


def to_data(form, starts_at: datetime, ends_at: datetime) -> dict:
    """all_day, rrule, exdates and the (all-day: whole-day) start and end from the form."""
    tz = local_tz()
    all_day = bool(form.all_day.data)
    if all_day:  # the dates of start and end; the end day is included, stored as the next midnight
        first = starts_at.astimezone(tz).date()
        last = max(first, ends_at.astimezone(tz).date())
        starts_at = datetime.combine(first, time(0), tzinfo=tz).astimezone(starts_at.tzinfo)
        ends_at = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(starts_at.tzinfo)
    rule, exdates = "", []
    if form.repeat.data:
        until = (form.repeat_until.data or "").strip()
        try:
            rule = recurrence.build(form.repeat.data, form.repeat_interval.data or 1, tuple(form.repeat_days.data or ()),
                                    form.repeat_count.data, date.fromisoformat(until) if until else None,
                                    all_day=all_day, tz=tz)
        except recurrence.RecurrenceError:
            rule = "INVALID"  # save_activity refuses it with the form's message
        local_start = starts_at.astimezone(tz)
        for line in (form.cancelled_dates.data or "").split():
            day = date.fromisoformat(line)
            exdates.append(day.isoformat() if all_day else
                           datetime.combine(day, local_start.time()).isoformat(timespec="seconds"))
    return {"starts_at": starts_at, "ends_at": ends_at, "all_day": all_day, "rrule": rule, "exdates": exdates}


def fill(form, activity) -> None:
    """The repeat fields from a saved activity (GET of the edit form)."""
    form.all_day.data = bool(activity.all_day)
    if activity.all_day:  # shown as the last day (stored as the midnight after it)
        form.ends_at.process_data(activity.ends_at - timedelta(days=1))
    parts = dict(p.split("=", 1) for p in (activity.rrule or "").split(";") if "=" in p)
    form.repeat.data = parts.get("FREQ", "")
    form.repeat_interval.data = int(parts.get("INTERVAL", 1))
    form.repeat_days.data = [d for d in parts.get("BYDAY", "").split(",") if d]
    form.repeat_count.data = int(parts["COUNT"]) if "COUNT" in parts else None
    until = parts.get("UNTIL", "")
    if until:
        moment = (datetime.strptime(until[:8], "%Y%m%d").date() if len(until) == 8 else
                  datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
                  .astimezone(local_tz()).date())
        form.repeat_until.data = moment.isoformat()
    form.cancelled_dates.data = "\n".join(key[:10] for key in activity.exdates or [])

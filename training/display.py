"""How the training pages format their numbers, dates and people lists (one pass per list)."""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

from babel.dates import format_date
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from main.i18n import fmt_number, fmt_percent, local_tz, page_locale
from models import utcnow
from training.drilldown import days_overdue
from training.status import local_date

STATE_LABELS = {
    "completed": _l("Genomförd"), "in_progress": _l("Påbörjad"), "not_started": _l("Ej påbörjad"),
    "overdue": _l("Försenad"), "exempt": _l("Undantagen"),
}


@lru_cache(maxsize=2048)
def _format_day(day: date, locale: str) -> str:
    return format_date(day, "medium", locale=locale)


def format_day(day: date | datetime | None) -> str:
    """Like the `date` filter (local date of a time), remembered: a team list repeats the same few dates."""
    if isinstance(day, datetime):
        day = day.astimezone(local_tz()).date()
    return _format_day(day, str(page_locale())) if day else ""


def state_label(state: str | None) -> str:
    return str(STATE_LABELS.get(state or "", "–"))


class DisplayRow(NamedTuple):
    person_id: int
    url: str
    name: str
    unit: str
    state: str
    state_label: str
    due_iso: str
    due: str
    completed: str
    #: Days past the due date ("" unless overdue).
    late: str
    #: The name of the row's "Påminn valda" checkbox.
    remind_label: str


def display_rows(rows, versions: dict[int, str], requirement=None) -> list[DisplayRow]:
    """A people list, formatted for the page in one pass (a page may list hundreds)."""
    labels = {state: str(label) for state, label in STATE_LABELS.items()}
    person_url = url_for("training.person", person_id=0)[:-1]  # "/training/people/", built once
    result = []
    today = local_date(utcnow(), local_tz())
    until = _transition_label(requirement, today)
    remind = _("Påminn %(name)s")  # translated once, filled per row
    for person, unit, s in rows:
        completed = ""
        if s.completed_at:
            completed = f"{format_day(s.completed_at)} ({versions.get(s.version_id, '')})".replace(" ()", "")
        result.append(DisplayRow(
            person.id, f"{person_url}{person.id}", person.name, unit.name if unit else "", s.state,
            until if until and s.state == "completed" and s.version_id != requirement.current_version_id
            else labels.get(s.state, ""),
            s.due_on.isoformat() if s.due_on else "", format_day(s.due_on), completed,
            _late(days_overdue(s.due_on, s.state, today)), remind % {"name": person.name},
        ))
    return result




def _late(days: int | None) -> str:
    return fmt_number(days)


def _transition_label(requirement, today: date) -> str | None:
    """"Klar (gäller till 30 nov. 2024)" for people done with a version that counts until the
    requirement's transition date, while that date is still ahead."""
    if requirement is None or not requirement.transition_on or not requirement.current_version_id:
        return None
    if requirement.transition_on < today:
        return None
    return _("Klar (gäller till %(day)s)", day=format_day(requirement.transition_on))


class CountCells(NamedTuple):
    """One row of a counts table, formatted (training/_macros.html's counts_table)."""

    label: str
    href: str | None
    required: str
    completed: str
    #: The bar's maximum (those not exempt); None: no bar.
    bar_max: int | None
    bar_value: int
    share: str
    in_progress: str
    not_started: str
    overdue: str
    exempt: str


def count_rows(rows) -> list[CountCells]:
    """(label, href, Counts) rows formatted in one pass: a team or region page shows up to 50
    units and every manager below, seven numbers each (issue 19: pages cost what is on the screen)."""
    result = []
    for label, href, c in rows:
        base = c.required - c.exempt
        result.append(CountCells(
            label, href or None, fmt_number(c.required), fmt_number(c.completed), base if base > 0 else None,
            c.completed, fmt_percent(c.percent), fmt_number(c.in_progress), fmt_number(c.not_started),
            fmt_number(c.overdue), fmt_number(c.exempt)))
    return result

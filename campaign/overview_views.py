"""Overviews for planners: the month calendar, the årshjul and the "publish now" tasks."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import get_month_names
from flask import render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from auth.access import requires
from campaign import claims, labels, monthgrid, queries, wheel
from campaign.blueprint import PLANNERS, bp
from main.forms import ActionForm
from main.i18n import local_tz
from models import utcnow


def _calendar_entries(first: date) -> list[tuple[datetime, datetime | None, monthgrid.DayItem]]:
    tz = local_tz()
    start, end = queries.month_bounds_utc(first)
    entries: list[tuple[datetime, datetime | None, monthgrid.DayItem]] = []
    for a, o in queries.occurrences_between(start, end):  # every occurrence of a series
        local = o.starts_at.astimezone(tz)
        when = str(_("Heldag")) if a.all_day else local.strftime("%H:%M")
        entries.append((o.starts_at, o.ends_at, monthgrid.DayItem(
            "activity", when, a.title, url_for("campaign.edit_activity", activity_id=a.id),
            str(labels.ACTIVITY_KINDS.get(a.kind, a.kind)), a.status == "cancelled", o.starts_at.isoformat())))
    messages = queries.messages_between(start, end)
    links = claims.item_links(messages, current_user)  # e.g. a quiz item's pulse (pulse/planning.py)
    for m in messages:
        local = m.planned_at.astimezone(tz)
        url, link = claims.message_target(m, links)
        note = f"{m.channel}, {labels.MESSAGE_STATUSES.get(m.status, m.status)}" + (f"; {link.note}" if link else "")
        entries.append((m.planned_at, None, monthgrid.DayItem(
            "message", local.strftime("%H:%M"), m.title, url, note, False, m.planned_at.isoformat())))
    return entries


@bp.get("/plan/kalender")
@requires(*PLANNERS)
def calendar():
    today = utcnow().astimezone(local_tz()).date()
    first = queries.parse_month(request.args.get("month", "")) or today.replace(day=1)
    last = monthgrid.neighbours(first)[1] - timedelta(days=1)
    days = monthgrid.by_day(_calendar_entries(first), local_tz(), first, last)
    previous, following = monthgrid.neighbours(first)
    return render_template("campaign/calendar.html", first=first, weeks=monthgrid.month_weeks(first), days=days,
                           previous=previous, following=following, today=today,
                           month_name=get_month_names("wide", locale=get_locale())[first.month])


@bp.get("/plan/arshjul")
@requires(*PLANNERS)
def wheel_page():
    this_year = utcnow().astimezone(local_tz()).year
    year = request.args.get("year", this_year, type=int)
    if not 2000 <= year <= 2100:
        year = this_year
    cats = wheel.categories()
    items = wheel.collect(year, current_user)
    by_month: dict[int, list] = {}
    for item in items:
        by_month.setdefault(item.start.month if item.start.year == year else 1, []).append(item)
    return render_template(
        "campaign/wheel.html", year=year, categories=cats, items=items, by_month=by_month,
        shapes=wheel.layout(year, items, [c.key for c in cats]), months=wheel.month_segments(year),
        month_names=get_month_names("abbreviated", locale=get_locale()),
        wide_names=get_month_names("wide", locale=get_locale()), size=wheel.SIZE,
        ring_index={c.key: i for i, c in enumerate(cats)}, center=wheel.CENTER)


@bp.get("/plan/uppgifter")
@requires(*PLANNERS)
def tasks():
    mine = request.args.get("alla") != "1"
    return render_template("campaign/tasks.html", tasks=queries.open_tasks(current_user if mine else None),
                           mine=mine, form=ActionForm())

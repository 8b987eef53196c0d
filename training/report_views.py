"""Admin pages with the whole region: by förvaltning and unit with drill-down and a
trend chart, the yearly board report from KPI snapshots, and their exports."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

import audit
from auth.access import requires
from directory import tree
from extensions import db
from main import charts
from main.forms import ActionForm, require_action
from main.i18n import fmt_number, local_tz
from models import Unit, utcnow
from training import exports, facts, freshness, people_export, queries, snapshots, unit_rows
from training.display import STATE_LABELS
from training.views import FILTER_LABELS, list_args, unit_args

bp = Blueprint("training_reports", __name__, url_prefix="/admin/training")


def _requirement():
    requirement = queries.requirement_or_default(request.args.get("requirement", type=int))
    return requirement or abort(404)


def _unit() -> Unit | None:
    unit_id = request.args.get("unit_scope", type=int)
    return db.get_or_404(Unit, unit_id) if unit_id else None


def trend_chart(requirement, unit: Unit | None):
    ids = None
    if unit is not None:
        ids = tree.unit_ids_below([unit.id])
    points = snapshots.trend(requirement, ids)
    chart = None
    if len(points) > 1:
        name = unit.name if unit else _("Hela regionen")
        chart = charts.line_chart(
            _("Andel genomförda över tid: %(name)s", name=name),
            _("Linjediagram. Samma siffror finns i tabellen under diagrammet."),
            [d for d, _c in points], [(name, [c.percent for _d, c in points])],
            target=current_app.config["TRAINING_TARGET_PERCENT"])
    return points, chart


@bp.get("/region")
@requires("admin")
def region():
    requirement, unit = _requirement(), _unit()
    args = list_args()
    audit.record("training.region.view", "unit", unit.id if unit else None,
                 {"requirement": requirement.id, **{k: v for k, v in args.items() if v}}, commit=False)
    view = queries.region(requirement, unit, with_children=False)
    units = unit_rows.region_units(requirement, unit, **unit_args())
    people = queries.people_page(requirement, unit=unit, **args) if unit is not None else None
    points, chart = trend_chart(requirement, unit)
    page = render_template("training/region.html", requirement=requirement, view=view, people=people, args=args,
                           units=units,
                           unit=unit, points=points, chart=chart, freshness=freshness.state(requirement),
                           requirements=facts.active_requirements(), action_form=ActionForm(),
                           versions=people_export.version_names())
    db.session.commit()  # the audit event; after rendering, so the viewer is not loaded twice
    return page


@bp.get("/region/export.<fmt>")
@requires("admin")
def region_export(fmt: str):
    if fmt not in exports.FORMATS:
        abort(404)
    requirement, unit = _requirement(), _unit()
    data_time = queries.data_time(requirement)
    stamp = data_time.astimezone(local_tz()).replace(microsecond=0) if data_time else None
    name = unit.name if unit else _("Hela regionen")
    if request.args.get("what") == "people":
        release = exports.export_slot()
        if release is None:
            return exports.busy()
        try:
            return _people_download(fmt, requirement, unit, name, stamp, release)
        except BaseException:
            release()
            raise
    view = queries.region(requirement, unit)
    headers = [_("Enhet"), _("Omfattas"), _("Genomförda"), _("Påbörjade"), _("Ej påbörjade"), _("Försenade"),
               _("Undantagna"), _("Andel genomförda (%)")]
    lines = [[u.name if u else _("(ingen enhet)"), c.required, c.completed, c.in_progress, c.not_started, c.overdue,
              c.exempt, c.percent] for u, c in view.children]
    lines.append([_("Totalt"), view.total.required, view.total.completed, view.total.in_progress,
                 view.total.not_started, view.total.overdue, view.total.exempt, view.total.percent])
    audit.record("training.region.export", "unit", unit.id if unit else None,
                 {"requirement": requirement.id, "format": fmt, "what": "units"})
    return exports.response(fmt, f"utbildning-enheter-{unit.id if unit else 'region'}",
                            f"{requirement.course.name} – {name}", stamp, headers, lines)


def _people_download(fmt: str, requirement, unit: Unit | None, name: str, stamp, release):
    args = list_args("all")
    chosen = {k: args[k] for k in ("state", "unit_id", "q")}
    rows = people_export.count_people(requirement, unit=unit, **chosen)
    audit.record("training.region.export", "unit", unit.id if unit else None,
                 {"requirement": requirement.id, "format": fmt, "what": "people", "unit": args["unit_id"],
                  "q": args["q"], "rows": rows})
    return people_export.download(fmt, f"utbildning-personer-{unit.id if unit else 'region'}",
                                  f"{requirement.course.name} – {name} – "
                                  f"{people_export.filters_text(args, FILTER_LABELS)}", stamp, requirement,
                                  STATE_LABELS, unit=unit, release=release, **chosen)


@bp.post("/snapshots")
@requires("admin")
def take_snapshot():
    require_action()
    rows = snapshots.take_snapshots(utcnow(), kind="manual")
    audit.record("training.snapshot", None, None, {"rows": rows}, commit=False)
    db.session.commit()
    flash(_("Nyckeltal sparade för %(n)s enheter.", n=fmt_number(rows)), "success")
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/admin/") else url_for("training_reports.region"))


def _report():
    requirement = _requirement()
    years = snapshots.snapshot_years(requirement)
    year = request.args.get("year", type=int) or (years[0] if years else date.today().year)
    return requirement, years, snapshots.board_report(requirement, year)


@bp.get("/report")
@requires("admin")
def report():
    requirement, years, data = _report()
    latest = max((q for q, d in enumerate(data.days) if d), default=None)
    chart = bars = None
    if data.has_data:
        days = [d for d in data.days if d]
        series = [(name, [c.percent if c else None for c, d in zip(cells, data.days) if d]) for name, cells in data.rows]
        if len(days) > 1:
            chart = charts.line_chart(_("Andel genomförda per kvartal %(year)s", year=data.year),
                                      _("Linjediagram per förvaltning. Siffrorna finns i tabellen."), days, series,
                                      chart_id="report-trend", target=current_app.config["TRAINING_TARGET_PERCENT"])
        bars = charts.bar_chart(_("Andel genomförda per förvaltning, %(day)s", day=data.days[latest].isoformat()),
                                _("Stapeldiagram. Siffrorna finns i tabellen."),
                                [(name, cells[latest].percent if cells[latest] else None) for name, cells in data.rows],
                                chart_id="report-bars", target=current_app.config["TRAINING_TARGET_PERCENT"])
    audit.record("training.report.view", None, None, {"requirement": requirement.id, "year": data.year})
    return render_template("training/report.html", requirement=requirement, years=years, report=data, chart=chart,
                           bars=bars, latest=latest, requirements=facts.active_requirements())


@bp.get("/report/export.<fmt>")
@requires("admin")
def report_export(fmt: str):
    if fmt not in exports.FORMATS:
        abort(404)
    requirement, _years, data = _report()
    headers = [_("Förvaltning")] + [
        _("K%(q)s %(day)s (%%)", q=q + 1, day=d.isoformat() if d else "–") for q, d in enumerate(data.days)]
    rows = [[name] + [c.percent if c else None for c in cells] for name, cells in data.rows]
    rows.append([_("Hela regionen")] + [c.percent if c else None for c in data.totals])
    audit.record("training.report.export", None, None, {"requirement": requirement.id, "year": data.year,
                                                        "format": fmt})
    last = max((d for d in data.days if d), default=None)
    title = _("%(course)s – rapport %(year)s", course=requirement.course.name, year=data.year)
    return exports.response(fmt, f"styrelserapport-{data.year}", title, snapshots.end_of_day(last) if last else None,
                            headers, rows)

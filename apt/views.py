"""APT pages: the manager's one-click confirmation, the stand-in, and the security unit's coverage."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from apt import operations, queries
from apt.blueprint import bp
from apt.operations import AptError
from auth.access import requires
from extensions import db
from main.forms import require_action
from main.i18n import local_tz
from models import Activity, utcnow

ERRORS = {
    "not_apt": _l("Det här är inget APT-material."),
    "not_your_unit": _l("Du kan bara kvittera för din egen enhet."),
    "not_in_audience": _l("Enheten ingår inte i materialets målgrupp."),
    "count": _l("Ange antalet närvarande som ett heltal."),
    "future": _l("Datumet kan inte ligga i framtiden."),
    "already": _l("Enheten har redan kvitterat det här materialet. Tack!"),
    "not_manager": _l("Bara chefer kan utse en ställföreträdare."),
    "stand_in": _l("Välj en annan aktiv person som ställföreträdare."),
    "unknown": _l("Ingen aktiv person har det användarnamnet."),
}


def _today() -> date:
    return utcnow().astimezone(local_tz()).date()


@bp.get("/apt")
@login_required
def mine():
    units = queries.units_for(current_user)
    rows: list[tuple] = []
    for activity in queries.materials():
        expected = {u.id for u in queries.expected_units(activity)}
        done = queries.confirmations(activity.id)
        rows.extend((activity, unit, done.get(unit.id)) for unit in units if unit.id in expected)
    return render_template("apt/mine.html", rows=rows, units=units, today=_today(),
                           stand_in=queries.stand_in_of(current_user.id) if current_user.is_manager else None)


@bp.post("/apt/<int:activity_id>/<int:unit_id>")
@login_required
def confirm(activity_id: int, unit_id: int):
    require_action()
    activity = db.get_or_404(Activity, activity_id)
    raw_day, raw_count = request.form.get("presented_on", ""), request.form.get("present_count", "").strip()
    try:
        day = date.fromisoformat(raw_day) if raw_day else _today()
        count = int(raw_count) if raw_count else None
    except ValueError:
        flash(str(ERRORS["count"] if raw_day else ERRORS["future"]), "error")
        return redirect(url_for("apt.mine"))
    try:
        operations.confirm(activity, unit_id, current_user, day, count, utcnow())
    except AptError as error:
        db.session.rollback()
        flash(str(ERRORS[error.code]), "error" if error.code != "already" else "info")
    else:
        db.session.commit()
        flash(str(_l("Tack! Presenterat på APT den %(day)s.", day=day.isoformat())), "success")
    return redirect(url_for("apt.mine"))


@bp.post("/apt/stallforetradare")
@login_required
def stand_in():
    require_action()
    username = request.form.get("username", "").strip()
    person = queries.person_by_username(username) if username else None
    try:
        if username and person is None:
            raise AptError("unknown")
        operations.set_stand_in(current_user, person, utcnow())
    except AptError as error:
        db.session.rollback()
        flash(str(ERRORS[error.code]), "error")
    else:
        db.session.commit()
        flash(str(_l("Ställföreträdaren är sparad.")), "success")
    return redirect(url_for("apt.mine"))


@bp.get("/admin/apt")
@requires("admin")
def overview():
    rows = [(a, queries.coverage_share([a])) for a in queries.materials()]
    return render_template("apt/overview.html", rows=rows)


@bp.get("/admin/apt/<int:activity_id>")
@requires("admin")
def coverage(activity_id: int):
    activity = db.get_or_404(Activity, activity_id)
    if activity.kind != "apt":
        abort(404)
    groups = queries.coverage(activity)
    response = make_response(render_template("apt/coverage.html", activity=activity, groups=groups,
                                             share=queries.coverage_share([activity])))
    response.headers["Cache-Control"] = "no-store"
    return response

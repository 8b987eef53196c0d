"""APT pages: the manager's one-click confirmation, the stand-in, and the security unit's coverage.

An activity's pages live at /apt/<id>, a plan message's at /apt/meddelande/<id> (same views)."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from apt import materials, operations, queries
from apt.blueprint import bp
from apt.materials import ACTIVITY, MESSAGE, Material
from apt.operations import AptError
from auth.access import requires
from extensions import db
from main.forms import require_action
from main.i18n import local_tz
from models import AptConfirmation, Unit, utcnow

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


def _material_or_404(kind: str, material_id: int) -> Material:
    material = materials.get(kind, material_id)
    if material is None:
        abort(404)
    return material


def _rows(found: list[Material], units: list[Unit]) -> list[tuple[Material, Unit, AptConfirmation | None]]:
    rows: list[tuple[Material, Unit, AptConfirmation | None]] = []
    for material in found:
        expected = {u.id for u in queries.expected_units(material)}
        done = queries.confirmations(material)
        rows.extend((material, unit, done.get(unit.id)) for unit in units if unit.id in expected)
    return rows


def pending() -> list[tuple[Material, Unit, AptConfirmation | None]]:
    """The start page's card: materials the signed-in person may still confirm for a unit."""
    if not current_user.is_authenticated:
        return []
    units = queries.units_for(current_user)
    if not units:
        return []
    return [row for row in _rows(materials.all_materials(), units) if row[2] is None]


@bp.get("/apt")
@login_required
def mine():
    units = queries.units_for(current_user)
    return render_template("apt/mine.html", rows=_rows(materials.all_materials(), units), units=units,
                           today=_today(), single=None,
                           stand_in=queries.stand_in_of(current_user.id) if current_user.is_manager else None)


@bp.get("/apt/<int:material_id>", defaults={"kind": ACTIVITY})
@bp.get("/apt/meddelande/<int:material_id>", defaults={"kind": MESSAGE})
@login_required
def material(kind: str, material_id: int):
    """The mail's and digest's link: this material only, the form prefilled, one click to confirm."""
    found = _material_or_404(kind, material_id)
    units = queries.units_for(current_user)
    return render_template("apt/mine.html", rows=_rows([found], units), units=units, today=_today(), single=found,
                           stand_in=None)


@bp.post("/apt/<int:material_id>/<int:unit_id>", defaults={"kind": ACTIVITY})
@bp.post("/apt/meddelande/<int:material_id>/<int:unit_id>", defaults={"kind": MESSAGE})
@login_required
def confirm(kind: str, material_id: int, unit_id: int):
    require_action()
    found = _material_or_404(kind, material_id)
    raw_day, raw_count = request.form.get("presented_on", ""), request.form.get("present_count", "").strip()
    back = url_for("apt.material", kind=kind, material_id=material_id) if request.form.get("single") \
        else url_for("apt.mine")
    try:
        day = date.fromisoformat(raw_day) if raw_day else _today()
        count = int(raw_count) if raw_count else None
    except ValueError:
        flash(str(ERRORS["count"] if raw_day else ERRORS["future"]), "error")
        return redirect(back)
    try:
        operations.confirm(found, unit_id, current_user, day, count, utcnow())
    except AptError as error:
        db.session.rollback()
        flash(str(ERRORS[error.code]), "error" if error.code != "already" else "info")
    else:
        db.session.commit()
        flash(str(_l("Tack! Presenterat på APT den %(day)s.", day=day.isoformat())), "success")
    return redirect(back)


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
    rows = [(m, queries.coverage_share([m])) for m in materials.all_materials()]
    return render_template("apt/overview.html", rows=rows)


@bp.get("/admin/apt/<int:material_id>", defaults={"kind": ACTIVITY})
@bp.get("/admin/apt/meddelande/<int:material_id>", defaults={"kind": MESSAGE})
@requires("admin")
def coverage(kind: str, material_id: int):
    found = _material_or_404(kind, material_id)
    groups = queries.coverage(found)
    response = make_response(render_template("apt/coverage.html", activity=found, groups=groups,
                                             share=queries.coverage_share([found])))
    response.headers["Cache-Control"] = "no-store"
    return response

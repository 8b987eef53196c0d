"""KPI pages: the list with the latest values, one KPI with its trend chart and table, and
the forms for KPIs entered by hand and for recomputing a computed one."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from auth.access import requires
from extensions import db
from followup import kpis
from followup.blueprint import bp, show_error
from followup.forms import KpiForm, KpiValueForm
from followup.operations import FollowupError
from followup.quarters import label as quarter_label
from main import charts
from main.forms import ActionForm, filled, require_action
from main.i18n import fmt_number
from models import Kpi, utcnow


@bp.get("/nyckeltal")
@requires("admin")
def kpis_page():
    rows = [(k, next(reversed(kpis.values_until(k)), None)) for k in kpis.kpis()]  # each KPI's latest value
    return render_template("followup/kpis.html", rows=rows, button=ActionForm(),
                           quarter_label=quarter_label)


@bp.post("/nyckeltal/standard")
@requires("admin")
def standard_kpis():
    require_action()
    added = kpis.ensure_standard_kpis()
    db.session.commit()
    flash(_("%(n)s nyckeltal lades till.", n=fmt_number(added)), "success")
    return redirect(url_for("followup.kpis_page"))


def _chart(kpi: Kpi, values):
    if not values:
        return None
    series = [(kpi.name, [v.value for v in values])]
    breakdown_keys = sorted({k for v in values for k in (v.breakdown or {})}) if kpi.source == "plan_messages_sent" \
        else []
    series += [(key, [float((v.breakdown or {}).get(key, 0)) for v in values]) for key in breakdown_keys[:6]]
    return charts.line_chart(_("%(name)s per kvartal", name=kpi.name),
                             _("Linjediagram med målvärdet streckat. Samma siffror finns i tabellen under diagrammet."),
                             [quarter_label(v.period_end) for v in values], series, chart_id="kpi-trend",
                             targets=[v.target for v in values], unit=kpi.unit or "", top=None,
                             target_label=_("Mål"))


def _kpi_page(kpi: Kpi, status: int = 200, value_form: KpiValueForm | None = None):
    values = kpis.values_until(kpi)
    form = value_form or KpiValueForm()
    if value_form is None:
        form.target.data = kpi.target
    return render_template("followup/kpi.html", kpi=kpi, values=values, chart=_chart(kpi, values), form=form,
                           button=ActionForm(), quarter_label=quarter_label), status


@bp.get("/nyckeltal/<int:kpi_id>")
@requires("admin")
def kpi(kpi_id: int):
    return _kpi_page(db.get_or_404(Kpi, kpi_id))


@bp.route("/nyckeltal/ny", methods=["GET", "POST"])
@requires("admin")
def new_kpi():
    return _save_kpi(KpiForm(), None)


@bp.route("/nyckeltal/<int:kpi_id>/andra", methods=["GET", "POST"])
@requires("admin")
def edit_kpi(kpi_id: int):
    kpi = db.get_or_404(Kpi, kpi_id)
    return _save_kpi(KpiForm(obj=kpi), kpi)


def _save_kpi(form: KpiForm, kpi: Kpi | None):
    if request.method == "GET":
        return render_template("followup/kpi_form.html", form=form, kpi=kpi)
    if form.validate_on_submit():
        try:
            saved = kpis.save_kpi(kpis.KpiData(form.name.data, form.unit.data, form.target.data,
                                               form.description.data or ""), kpi)
            db.session.commit()
            flash(_("Nyckeltalet är sparat."), "success")
            return redirect(url_for("followup.kpi", kpi_id=saved.id))
        except FollowupError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("followup/kpi_form.html", form=form, kpi=kpi), 400


@bp.post("/nyckeltal/<int:kpi_id>/varden")
@requires("admin")
def kpi_value(kpi_id: int):
    """Enter (or correct) a quarter's value of a KPI entered by hand; for a computed one, recompute it."""
    kpi = db.get_or_404(Kpi, kpi_id)
    form = KpiValueForm()
    if kpi.source:
        del form.value  # computed: the value comes from the data
    if not form.validate_on_submit():
        return _kpi_page(kpi, 400, form)
    try:
        if kpi.source:
            row = kpis.record_computed(kpi, filled(form.period_end.data), utcnow(), current_user)
        else:
            row = kpis.set_manual_value(kpi, filled(form.period_end.data), filled(form.value.data), form.target.data,
                                        form.note.data or "", current_user, utcnow())
        db.session.commit()
    except FollowupError as error:
        db.session.rollback()
        show_error(form, error)
        return _kpi_page(kpi, 400, form)
    if row is None:
        flash(_("Det fanns inget att räkna på för kvartalet."), "info")
    else:
        flash(_("Värdet för %(q)s är sparat.", q=quarter_label(row.period_end)), "success")
    return redirect(url_for("followup.kpi", kpi_id=kpi.id))

"""The security unit's pulse pages: the list, a new pulse, one pulse with its audience and results."""
from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from auth.access import requires
from campaign.queries import unit_choices
from extensions import db
from main import charts
from main.forms import error_on_field, filled, require_action
from main.i18n import local_tz
from models import PlanMessage, utcnow
from models.pulse import Pulse
from pulse import labels, operations, planning, queries, results, rules
from pulse.blueprint import PULSE_ADMINS, bp
from pulse.forms import AudienceForm, PulseForm


def _today():
    return utcnow().astimezone(local_tz()).date()


@bp.get("/admin/puls")
@requires(*PULSE_ADMINS)
def pulses():
    today = _today()
    rows = [(p, rules.state(p.opens_on, p.closes_on, today), queries.response_counts(p.id)) for p in queries.pulses()]
    return render_template("pulse/pulses.html", rows=rows)


@bp.route("/admin/puls/ny", methods=["GET", "POST"])
@requires(*PULSE_ADMINS)
def new_pulse():
    form = PulseForm()
    form.unit_ids.choices = unit_choices()
    plan_item = _plan_item(request.args.get("plan", ""))
    if form.validate_on_submit():
        spec = rules.PulseSpec(title_sv=form.title_sv.data, title_en=form.title_en.data or "",
                               opens_on=filled(form.opens_on.data), closes_on=filled(form.closes_on.data),
                               questions=form.question_specs(), audience=form.audience.data,
                               unit_ids=list(form.unit_ids.data or []))
        try:
            pulse = operations.create_pulse(spec, by=current_user)
            if plan_item is not None:
                planning.link(pulse, plan_item, utcnow())
        except rules.PulseError as error:
            db.session.rollback()
            error_on_field(form, None, labels.error_text(error.code, error.detail))
        else:
            db.session.commit()
            flash(_("Mätningen är sparad."), "success")
            return redirect(url_for("pulse.pulse", pulse_id=pulse.id))
    return render_template("pulse/pulse_form.html", form=form, plan_item=plan_item)


def _plan_item(raw: str) -> PlanMessage | None:
    """The plan message named by ?plan=<id> (a pulse created from the plan); 404 for a bad one."""
    if not raw:
        return None
    message = planning.message_by_id(raw)
    if message is None or not planning.is_plan_item(message):
        abort(404)
    return message


@bp.post("/admin/puls/planera")
@requires(*PULSE_ADMINS)
def link_plan_item():
    """Link (or, with no pulse chosen, unlink) a pulse and a plan item; back to the plan's message page."""
    require_action()
    raw_message, raw_pulse = request.form.get("message_id", ""), request.form.get("pulse_id", "")
    message, pulse = planning.message_by_id(raw_message), planning.pulse_by_id(raw_pulse)
    if message is None:
        abort(404)
    try:
        if pulse is None:
            if raw_pulse:
                raise rules.PulseError("plan_missing")
            current = planning.pulse_for(message.id)
            if current is not None:
                planning.link(current, None, utcnow())
        else:
            planning.link(pulse, message, utcnow())
    except rules.PulseError as error:
        db.session.rollback()
        flash(labels.error_text(error.code), "error")
    else:
        db.session.commit()
        flash(_("Kopplingen till kommunikationsplanen är sparad."), "success")
    return redirect(url_for("campaign.message", message_id=message.id))


@bp.route("/admin/puls/<int:pulse_id>", methods=["GET", "POST"])
@requires(*PULSE_ADMINS)
def pulse(pulse_id: int):
    pulse = db.get_or_404(Pulse, pulse_id)
    form = AudienceForm(data={"audience": pulse.audience, "unit_ids": pulse.unit_ids})
    form.unit_ids.choices = unit_choices()
    if form.validate_on_submit():
        try:
            operations.change_audience(pulse, form.audience.data, list(form.unit_ids.data or []), _today())
        except rules.PulseError as error:
            db.session.rollback()
            flash(labels.error_text(error.code), "error")
        else:
            db.session.commit()
            flash(_("Målgruppen är ändrad."), "success")
        return redirect(url_for("pulse.pulse", pulse_id=pulse.id))
    state = rules.state(pulse.opens_on, pulse.closes_on, _today())
    return render_template("pulse/pulse.html", pulse=pulse, state=state, form=form,
                           counts=queries.response_counts(pulse.id))


def _report(pulse: Pulse) -> list[results.Row]:
    return results.report(pulse, _("Hela regionen"), _("Övriga i %(unit)s"))


@bp.get("/admin/puls/<int:pulse_id>/resultat")
@requires(*PULSE_ADMINS)
def pulse_results(pulse_id: int):
    pulse = db.get_or_404(Pulse, pulse_id)
    rows = _report(pulse)
    bars = [(_("Fråga %(n)s", n=r.question.position), r.value) for r in rows[0].questions
            if r.question.kind == "choice"]
    chart = charts.bar_chart(_("Andel rätt per fråga, hela regionen"),
                             _("Stapel per fråga med andelen som svarade rätt; samma siffror finns i tabellen."),
                             bars, chart_id="pulse-chart")
    response = make_response(render_template("pulse/results.html", pulse=pulse, rows=rows, chart=chart,
                                             trend=results.trend(pulse), counts=queries.response_counts(pulse.id),
                                             minimum=current_app.config["PULSE_MIN_GROUP"]))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/admin/puls/<int:pulse_id>/resultat.csv")
@requires(*PULSE_ADMINS)
def pulse_results_csv(pulse_id: int):
    pulse = db.get_or_404(Pulse, pulse_id)
    response = make_response(results.to_csv(pulse, _report(pulse)))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="kannedomsmatning-{pulse.id}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response

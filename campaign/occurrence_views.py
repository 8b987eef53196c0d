"""The activity page's form to cancel or move one occurrence of a recurring activity."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from auth.access import requires
from campaign import occurrences
from campaign.blueprint import PLANNERS, bp
from campaign.forms import OccurrenceForm
from campaign.operations import PlanError
from extensions import db
from main.forms import error_on_field
from models import Activity, utcnow


def occurrence_label(choice: occurrences.OccurrenceChoice, all_day: bool) -> str:
    when = (format_date(choice.starts_at, "EEE d MMM y") if all_day else
            format_datetime(choice.starts_at, "EEE d MMM y HH:mm"))
    return _("%(when)s (flyttat)", when=when) if choice.moved else when


def occurrence_form(activity: Activity, form: OccurrenceForm | None = None) -> OccurrenceForm | None:
    """The form with the series' occurrences as choices; None when the activity does not recur."""
    found = occurrences.choices(activity)
    if not found:
        return None
    form = form or OccurrenceForm(formdata=None)
    form.occurrence.choices = [(c.key, occurrence_label(c, bool(activity.all_day))) for c in found]
    return form


@bp.route("/aktiviteter/<int:activity_id>/tillfalle", methods=["GET", "POST"])
@requires(*PLANNERS)
def change_occurrence(activity_id: int):
    activity = db.get_or_404(Activity, activity_id)
    form = occurrence_form(activity, OccurrenceForm())
    if form is None:
        flash(_("Aktiviteten upprepas inte."), "error")
        return redirect(url_for("campaign.edit_activity", activity_id=activity.id))
    if form.validate_on_submit():
        try:
            occurrences.change_occurrence(activity, form.occurrence.data, form.action.data, form.new_starts_at.utc,
                                          form.new_ends_at.utc, current_user, utcnow())
            db.session.commit()
            flash(_("Tillfället är inställt.") if form.action.data == "cancel" else _("Tillfället är flyttat."),
                  "success")
            return redirect(url_for("campaign.edit_activity", activity_id=activity.id))
        except PlanError as error:
            db.session.rollback()
            field = {"starts_at": "new_starts_at", "ends_at": "new_ends_at"}.get(error.field or "", error.field)
            error_on_field(form, field, str(occurrences.ERRORS.get(error.code, _("Det gick inte att spara."))))
    return render_template("campaign/occurrence.html", activity=activity, occurrence_form=form), (
        400 if form.is_submitted() else 200)

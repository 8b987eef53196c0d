"""The employee's pulse page: one form, one submit, then the right answers and the explanations."""
from __future__ import annotations

from flask import make_response, render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required

from extensions import db
from main.forms import parse_id, require_action
from main.i18n import local_tz
from models import utcnow
from models.pulse import Pulse
from pulse import labels, operations, queries, rules
from pulse.blueprint import bp


def open_pulses() -> list[Pulse]:
    """Open pulses the signed-in person has not answered yet (the card on the start page)."""
    if not current_user.is_authenticated:
        return []
    return queries.open_for(current_user.id, utcnow().astimezone(local_tz()).date())


def _page(pulse: Pulse, *, status: int = 200, **context):
    locale = str(get_locale() or "sv")
    response = make_response(render_template("pulse/answer.html", pulse=pulse, locale=locale, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _choices(pulse: Pulse) -> dict[int, int]:
    choices = {}
    for question in pulse.questions:
        choice = parse_id(request.form.get(f"q{question.id}"))
        if choice is not None:
            choices[question.id] = choice
    return choices


@bp.route("/puls/<int:pulse_id>", methods=["GET", "POST"])
@login_required
def answer(pulse_id: int):
    pulse = db.get_or_404(Pulse, pulse_id)
    invitation = queries.participant(pulse.id, current_user.id)
    if invitation is None:
        return _page(pulse, status=403, message=labels.error_text("not_asked"))
    today = utcnow().astimezone(local_tz()).date()
    state = rules.state(pulse.opens_on, pulse.closes_on, today)
    if invitation.answered:
        return _page(pulse, message=labels.error_text("already"), show_answers=True)
    if state != rules.OPEN:
        return _page(pulse, message=labels.error_text(state))
    if request.method == "GET":
        return _page(pulse, show_form=True)
    require_action()
    choices = _choices(pulse)
    try:
        operations.answer(pulse, current_user, choices, utcnow())
    except rules.PulseError as error:
        db.session.rollback()
        if error.code == "missing":
            return _page(pulse, status=422, show_form=True, chosen=choices,
                         error=labels.error_text(error.code, error.detail))
        return _page(pulse, message=labels.error_text(error.code), show_answers=error.code == "already")
    db.session.commit()
    return _page(pulse, show_answers=True, chosen=choices, thanks=True)

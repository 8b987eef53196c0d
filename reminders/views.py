"""Admin pages for reminders: the rounds as configured, what went out, and the texts
(edit, preview with a real person's data, test send to oneself, back to the built-in text)."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

import audit
from auth.access import requires
from extensions import db
from jobs.workdays import office_hours
from main.forms import require_action
from models import utcnow
from models.reminders import DIGEST, EMPLOYEE, ESCALATED, ESCALATION, MANUAL, RENEWAL
from outbox import operations as outbox
from reminders import actions
from reminders.forms import ReminderTextForm
from reminders.schedule import schedule_from
from reminders.texts import (
    KINDS,
    LOCALES,
    PLACEHOLDERS,
    Wording,
    lista_misplaced,
    render,
    reset_wording,
    save_wording,
    saved_texts,
    unknown_placeholders,
    wording,
)
from training import facts

bp = Blueprint("training_reminders", __name__, url_prefix="/admin/training/reminders")

KIND_LABELS = {
    EMPLOYEE: _l("Påminnelse till medarbetare"), RENEWAL: _l("Påminnelse om ny kursversion"), DIGEST: _l("Sammanfattning till chef"),
    ESCALATION: _l("Eskalering till chefens chef"), MANUAL: _l("Påminnelse för hand"),
    ESCALATED: _l("Eskalerade medarbetare"),
}
LOCALE_LABELS = {"sv": _l("svenska"), "en": _l("engelska")}
PLACEHOLDER_HELP = {
    "förnamn": _l("mottagarens förnamn"), "namn": _l("mottagarens hela namn"), "kurs": _l("kursens namn"),
    "sista_datum": _l("personens sista datum"), "status": _l("personens status"),
    "kurslänk": _l("länk till kursen"), "kurslängd": _l("hur lång tid kursen tar"), "chef": _l("personens chef"),
    "antal": _l("antal personer i listan"), "lista": _l("listan över personerna (på en egen rad)"),
    "teamlänk": _l("länk till Mitt team"), "dagar": _l("antal dagar före eskalering"),
    "version": _l("den äldre versionen personen har gått"), "ny_version": _l("den nya versionen"),
    "gäller_till": _l("sista dagen den äldre versionen gäller"),
}


@bp.get("/")
@requires("admin")
def overview():
    cfg = current_app.config
    try:
        schedule, problem = schedule_from(cfg), None
    except ValueError as exc:
        schedule, problem = None, str(exc)
    return render_template(
        "training/reminders.html", schedule=schedule, problem=problem, hours=office_hours(cfg),
        sent=actions.sent_counts(utcnow() - timedelta(days=30)), saved=saved_texts(), kinds=KINDS,
        locales=LOCALES, kind_labels=KIND_LABELS, locale_labels=LOCALE_LABELS,
        manual_per_day=cfg["REMINDER_MANUAL_PER_DAY"],
    )


def _kind_locale(kind: str, locale: str) -> None:
    if kind not in KINDS or locale not in LOCALES:
        abort(404)


def _form(**data) -> ReminderTextForm:
    form = ReminderTextForm(**data)
    form.requirement.choices = [(r.id, r.name) for r in facts.active_requirements()]
    return form


@bp.get("/<kind>/<locale>")
@requires("admin")
def edit(kind: str, locale: str):
    _kind_locale(kind, locale)
    text = wording(kind, locale)
    return _edit_page(kind, locale, _form(formdata=None, subject=text.subject, body=text.body), text.custom)


def _edit_page(kind: str, locale: str, form: ReminderTextForm, custom: bool, preview=None, status: int = 200):
    return render_template(
        "training/reminder_text.html", kind=kind, locale=locale, form=form, custom=custom, preview=preview,
        kind_label=KIND_LABELS[kind], locale_label=LOCALE_LABELS[locale],
        placeholders=[(name, PLACEHOLDER_HELP[name]) for name in PLACEHOLDERS[kind]],
    ), status


def _check(kind: str, form: ReminderTextForm) -> bool:
    """Form rules plus the placeholders: only known ones, {lista} on a line of its own."""
    if not form.validate_on_submit():
        return False
    unknown = unknown_placeholders(kind, form.subject.data, form.body.data)
    if unknown:
        form.body.errors = [_("Okända platshållare: %(names)s. Tillåtna: %(allowed)s.",
                              names=", ".join("{%s}" % n for n in unknown),
                              allowed=", ".join("{%s}" % n for n in PLACEHOLDERS[kind]))]
    elif "{lista}" in form.subject.data or lista_misplaced(form.body.data):
        form.body.errors = [_("{lista} blir en lista och ska stå ensam på en egen rad i texten.")]
    return not form.body.errors


@bp.post("/<kind>/<locale>")
@requires("admin")
def save(kind: str, locale: str):
    _kind_locale(kind, locale)
    action = request.form.get("action", "save")
    if action == "reset":
        require_action()
        reset_wording(kind, locale)
        db.session.commit()
        flash(_("Standardtexten gäller igen."), "success")
        return redirect(url_for("training_reminders.edit", kind=kind, locale=locale))
    form, custom = _form(), wording(kind, locale).custom
    if not _check(kind, form):
        return _edit_page(kind, locale, form, custom, status=400)
    if action in ("preview", "test"):
        return _try_out(kind, locale, form, custom, send=action == "test")
    save_wording(kind, locale, form.subject.data, form.body.data, current_user.id)
    db.session.commit()
    flash(_("Texten är sparad."), "success")
    return redirect(url_for("training_reminders.edit", kind=kind, locale=locale))


def _try_out(kind: str, locale: str, form: ReminderTextForm, custom: bool, *, send: bool):
    """Preview the unsaved text with a real person's data, or send it to oneself."""
    active = facts.active_requirements()
    requirement = next((r for r in active if r.id == form.requirement.data), active[0] if active else None)
    if requirement is None:
        form.person.errors = [_("Det finns inget aktivt krav att förhandsgranska med.")]
        return _edit_page(kind, locale, form, custom, status=400)
    person = actions.find_person(form.person.data) if form.person.data else current_user
    if person is None:
        form.person.errors = [_("Ingen person med det användarnamnet eller den e-postadressen.")]
        return _edit_page(kind, locale, form, custom, status=400)
    values, shown = actions.sample_values(kind, person, requirement, utcnow())
    rendered = render(Wording(form.subject.data, form.body.data), values, locale)
    status = 200
    if send:
        result = outbox.enqueue(f"reminder-test:{kind}:{locale}:{current_user.id}:{utcnow().isoformat()}",
                                to=current_user, subject=_("[Test] %(subject)s", subject=rendered.subject),
                                text=rendered.text, html=rendered.html, created_by=current_user)
        if result.ok:
            flash(_("Ett test är köat till %(address)s.", address=current_user.email), "success")
        else:
            status = 400
            flash(_("Du har ingen giltig e-postadress i katalogen, så testet kan inte skickas."), "error")
    if shown != [current_user.id]:
        audit.record("training.reminder.preview", "person", person.id,
                     {"kind": kind, "locale": locale, "people": shown}, commit=False)
    db.session.commit()
    return _edit_page(kind, locale, form, custom, rendered, status)

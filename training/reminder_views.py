"""Admin pages for reminders: the rounds as configured, what went out, and the texts
(edit, preview with a real person's data, test send to oneself, back to the built-in text)."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select

import audit
from auth.access import requires
from extensions import db
from jobs.workdays import office_hours
from models import Person, ReminderTemplate, utcnow
from models.reminders import DIGEST, EMPLOYEE, ESCALATED, ESCALATION, MANUAL, Reminder
from outbox import operations as outbox
from training import facts, reminders
from training.forms import ActionForm, ReminderTextForm
from training.reminder_texts import KINDS, LOCALES, PLACEHOLDERS, Wording, render, unknown_placeholders, wording

bp = Blueprint("training_reminders", __name__, url_prefix="/admin/training/reminders")

KIND_LABELS = {
    EMPLOYEE: _l("Påminnelse till medarbetare"), DIGEST: _l("Sammanfattning till chef"),
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
}


@bp.get("/")
@requires("admin")
def overview():
    cfg = current_app.config
    try:
        schedule = reminders.schedule_from(cfg)
    except ValueError as exc:
        schedule, problem = None, str(exc)
    else:
        problem = None
    since = utcnow() - timedelta(days=30)
    sent = dict(db.session.execute(
        select(Reminder.kind, func.count()).where(Reminder.created_at >= since, Reminder.outcome == outbox.QUEUED)
        .group_by(Reminder.kind)).all())
    saved = {(t.kind, t.locale) for t in db.session.scalars(select(ReminderTemplate))}
    return render_template(
        "training/reminders.html", schedule=schedule, problem=problem, hours=office_hours(cfg), sent=sent,
        saved=saved, kinds=KINDS, locales=LOCALES, kind_labels=KIND_LABELS, locale_labels=LOCALE_LABELS,
        manual_per_day=cfg["REMINDER_MANUAL_PER_DAY"],
    )


def _kind_locale(kind: str, locale: str) -> None:
    if kind not in KINDS or locale not in LOCALES:
        abort(404)


@bp.get("/<kind>/<locale>")
@requires("admin")
def edit(kind: str, locale: str):
    _kind_locale(kind, locale)
    text = wording(kind, locale)
    form = ReminderTextForm(formdata=None, subject=text.subject, body=text.body)
    return _edit_page(kind, locale, form, text.custom)


def _edit_page(kind: str, locale: str, form: ReminderTextForm, custom: bool, preview=None, status: int = 200):
    return render_template(
        "training/reminder_text.html", kind=kind, locale=locale, form=form, custom=custom, preview=preview,
        kind_label=KIND_LABELS[kind], locale_label=LOCALE_LABELS[locale],
        placeholders=[(name, PLACEHOLDER_HELP[name]) for name in PLACEHOLDERS[kind]],
    ), status


@bp.post("/<kind>/<locale>")
@requires("admin")
def save(kind: str, locale: str):
    _kind_locale(kind, locale)
    action = request.form.get("action", "save")
    custom = wording(kind, locale).custom
    if action == "reset":
        return _reset(kind, locale)
    form = ReminderTextForm()
    if not form.validate_on_submit():
        return _edit_page(kind, locale, form, custom, status=400)
    unknown = unknown_placeholders(kind, form.subject.data, form.body.data)
    if unknown:
        form.body.errors = [_("Okända platshållare: %(names)s. Tillåtna: %(allowed)s.",
                              names=", ".join("{%s}" % n for n in unknown),
                              allowed=", ".join("{%s}" % n for n in PLACEHOLDERS[kind]))]
        return _edit_page(kind, locale, form, custom, status=400)
    if action in ("preview", "test"):
        return _try_out(kind, locale, form, custom, send=action == "test")
    _store(kind, locale, form.subject.data, form.body.data)
    db.session.commit()
    flash(_("Texten är sparad."), "success")
    return redirect(url_for("training_reminders.edit", kind=kind, locale=locale))


def _store(kind: str, locale: str, subject: str, body: str) -> None:
    row = db.session.scalar(select(ReminderTemplate).where(
        ReminderTemplate.kind == kind, ReminderTemplate.locale == locale))
    if row is None:
        row = ReminderTemplate(kind=kind, locale=locale)
        db.session.add(row)
    row.subject, row.body, row.updated_by_id = subject.strip(), body, current_user.id


def _reset(kind: str, locale: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    row = db.session.scalar(select(ReminderTemplate).where(
        ReminderTemplate.kind == kind, ReminderTemplate.locale == locale))
    if row is not None:
        db.session.delete(row)
        db.session.commit()
    flash(_("Standardtexten gäller igen."), "success")
    return redirect(url_for("training_reminders.edit", kind=kind, locale=locale))


def _find_person(query: str) -> Person | None:
    query = query.strip().lower()
    return db.session.scalar(select(Person).where(
        or_(Person.username == query, func.lower(Person.email) == query)).limit(1))


def _try_out(kind: str, locale: str, form: ReminderTextForm, custom: bool, *, send: bool):
    """Preview the unsaved text with a real person's data, or send it to oneself."""
    requirement = next(iter(facts.active_requirements()), None)
    if requirement is None:
        form.person.errors = [_("Det finns inget aktivt krav att förhandsgranska med.")]
        return _edit_page(kind, locale, form, custom, status=400)
    person = current_user
    if form.person.data:
        person = _find_person(form.person.data)
        if person is None:
            form.person.errors = [_("Ingen person med det användarnamnet eller den e-postadressen.")]
            return _edit_page(kind, locale, form, custom, status=400)
    values = reminders.sample_values(kind, person, requirement, utcnow())
    rendered = render(Wording(form.subject.data, form.body.data), values, locale)
    if person.id != current_user.id:
        audit.record("training.reminder.preview", "person", person.id, {"kind": kind, "locale": locale},
                     commit=False)
    if send:
        result = outbox.enqueue(f"reminder-test:{kind}:{locale}:{current_user.id}:{utcnow().isoformat()}",
                                to=current_user, subject=_("[Test] %(subject)s", subject=rendered.subject),
                                text=rendered.text, html=rendered.html, created_by=current_user)
        if not result.ok:
            db.session.rollback()
            flash(_("Du har ingen giltig e-postadress i katalogen, så testet kan inte skickas."), "error")
            return _edit_page(kind, locale, form, custom, rendered, 400)
        flash(_("Ett test är köat till %(address)s.", address=current_user.email), "success")
    db.session.commit()
    return _edit_page(kind, locale, form, custom, rendered)

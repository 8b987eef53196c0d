"""Pages of the communication plan: the table and its export, a message (preview, workflow,
history), creating and editing messages."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

import audit
from auth.access import may_see, requires
from campaign import audience as audience_mod
from campaign import export, labels, markup, operations, preview, queries, workflow
from campaign.blueprint import PLANNERS, bp, show_error, version_of, warn_outside_period
from campaign.forms import MessageForm, MoveForm
from extensions import db
from main.forms import ActionForm, filled, require_action
from main.tokens import new_token
from models import Person, PlanMessage, utcnow


def channels() -> list[str]:
    return [c.strip() for c in current_app.config["PLAN_CHANNELS"].split(",") if c.strip()]


def _filters() -> queries.PlanFilters:
    a = request.args
    return queries.PlanFilters(
        channel=a.get("channel", "")[:40], status=a.get("status", "") if a.get("status") in labels.MESSAGE_STATUSES else "",
        month=a.get("month", "") if queries.parse_month(a.get("month", "")) else "",
        audience=a.get("audience", "") if a.get("audience") in labels.AUDIENCES else "",
        owner=a.get("owner", type=int), campaign=a.get("campaign", type=int),
        sort=a.get("sort", "planned_at") if a.get("sort") in queries.SORTS else "planned_at", desc=a.get("desc") == "1",
        page=max(a.get("page", 1, type=int), 1))


@bp.get("/plan")
@requires(*PLANNERS)
def plan():
    f = _filters()
    return render_template("campaign/plan.html", f=f, page=queries.plan_page(f), channels=channels(),
                           owners=queries.planners(), campaigns=queries.campaigns(),
                           tasks=len(queries.open_tasks(current_user)))


@bp.get("/plan/export.xlsx")
@requires(*PLANNERS)
def export_plan():
    f = _filters()
    rows = queries.plan_rows(f)
    audit.record("plan.export", "plan_message", None, {"rows": len(rows), **f.args()})  # owners' names
    return send_file(export.io_of(export.plan_workbook(rows)), as_attachment=True,
                     download_name="kommunikationsplan.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _setup(form: MessageForm, message: PlanMessage | None = None) -> MessageForm:
    current = [message.channel] if message is not None and message.channel not in channels() else []
    form.channel.choices = [(c, c) for c in channels() + current]
    form.unit_ids.choices = queries.unit_choices()
    form.owner_id.choices = queries.planner_choices(message.owner if message is not None else None)
    form.campaign_id.choices = [(0, _("Ingen (planen året runt)"))] + [(c.id, c.title) for c in queries.campaigns()]
    return form


def _data(form: MessageForm) -> operations.MessageData:
    return operations.MessageData(
        title=form.title.data, body=form.body.data, channel=form.channel.data, audience=form.audience.data,
        planned_at=filled(form.planned_at.utc), owner_id=form.owner_id.data,
        unit_ids=[] if form.audience.data == "all" else list(form.unit_ids.data or []),
        campaign_id=form.campaign_id.data or None)


@bp.route("/plan/ny", methods=["GET", "POST"])
@requires(*PLANNERS)
def new_message():
    form = _setup(MessageForm())
    if request.method == "GET":
        form.form_token.data = new_token(24)
        form.owner_id.data = current_user.id
        form.campaign_id.data = request.args.get("campaign", 0, type=int)
        return render_template("campaign/message_form.html", form=form, message=None)
    if form.validate_on_submit():
        try:
            message = operations.create_message(_data(form), current_user, utcnow(), form.form_token.data or None)
            db.session.commit()
            flash(_("Utkastet är sparat."), "success")
            warn_outside_period(message.campaign, message.planned_at, message.title)
            return redirect(url_for("campaign.message", message_id=message.id))
        except operations.PlanError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("campaign/message_form.html", form=form, message=None), 400


def _get(message_id: int) -> PlanMessage:
    return db.get_or_404(PlanMessage, message_id)


@bp.route("/plan/<int:message_id>/andra", methods=["GET", "POST"])
@requires(*PLANNERS)
def edit_message(message_id: int):
    message = _get(message_id)
    if not workflow.may_edit(message.status):
        flash(_("Meddelandet kan inte ändras i sin nuvarande status."), "error")
        return redirect(url_for("campaign.message", message_id=message.id))
    form = _setup(MessageForm(obj=message), message)
    if request.method == "GET":
        form.unit_ids.data = [u.id for u in message.units]
        form.campaign_id.data = message.campaign_id or 0
        form.version.data = str(message.version)
        return render_template("campaign/message_form.html", form=form, message=message)
    if form.validate_on_submit():
        try:
            back = operations.update_message(message, _data(form), current_user, utcnow(), version_of(form))
            db.session.commit()
            flash(_("Ändringen är sparad. Innehållet var godkänt, så meddelandet är tillbaka för granskning.")
                  if back else _("Ändringen är sparad."), "success")
            warn_outside_period(message.campaign, message.planned_at, message.title)
            return redirect(url_for("campaign.message", message_id=message.id))
        except operations.PlanError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("campaign/message_form.html", form=form, message=message), 400


def _sample_person(message: PlanMessage) -> tuple[Person, str | None]:
    """The person the preview is rendered for: the viewer, or someone they may see."""
    wanted = request.args.get("person", "").strip().lower()[:200]
    if not wanted or wanted == current_user.username:
        return current_user, None
    person = queries.person_by_username(wanted)
    if person is None:
        return current_user, _("Ingen person har användarnamnet ”%(name)s”. Exemplet visas för dig.", name=wanted)
    if not may_see(current_user, person):
        return current_user, _("Du får inte se uppgifter om den personen. Exemplet visas för dig.")
    audit.record("plan.preview", "person", person.id, {"message_id": message.id}, commit=False)
    return person, None


def _audience_summary(message: PlanMessage):
    try:
        people = operations.recipients(message, utcnow())
    except audience_mod.TrainingUnavailable:
        return None
    with_mail = sum(1 for p in people if p.email)
    return {"total": len(people), "with_mail": with_mail, "without": len(people) - with_mail}


@bp.get("/plan/<int:message_id>")
@requires(*PLANNERS)
def message(message_id: int):
    message = _get(message_id)
    example = request.args.get("example") if request.args.get("example") in preview.EXAMPLE_STATUSES else None
    person, person_error = _sample_person(message) if example is None else (current_user, None)
    rendered = markup.render(message.title, message.body, preview.values_for(example, person, utcnow()))
    db.session.commit()  # the audit record of a preview for someone else
    moves = [m for m in workflow.available_moves(message.status)]
    return render_template(
        "campaign/message.html", message=message, rendered=rendered, person=person, person_error=person_error,
        audience=_audience_summary(message) if message.status not in ("sent", "published") else None,
        moves=moves, move_form=MoveForm(version=str(message.version)), action_form=ActionForm(),
        is_email=operations.is_email(message), may_edit=workflow.may_edit(message.status), now=utcnow(),
        steps=queries.steps(message), delivery=queries.delivery_counts([message.id]).get(message.id, {}),
        failures=queries.delivery_failures(message.id),
        example=example, example_statuses=preview.EXAMPLE_STATUSES,
        self_approval=current_app.config["PLAN_FOUR_EYES"] and current_user.id in operations.authors(message))


@bp.post("/plan/<int:message_id>/test")
@requires(*PLANNERS)
def send_test(message_id: int):
    """"Skicka test till mig": the rendered e-mail to the signed-in planner, through the outbox."""
    message = _get(message_id)
    require_action()
    example = request.form.get("example") if request.form.get("example") in preview.EXAMPLE_STATUSES else None
    result = preview.send_test(message, current_user, example, utcnow())
    db.session.commit()
    if result.ok:
        flash(_("Ett testmejl till %(address)s ligger i utkorgen och skickas strax.", address=current_user.email),
              "success")
    else:
        flash(_("Du har ingen giltig e-postadress i katalogen, så testet kunde inte skickas."), "error")
    return redirect(url_for("campaign.message", message_id=message.id, example=example))


@bp.post("/plan/<int:message_id>/steg/<move>")
@requires(*PLANNERS)
def move(message_id: int, move: str):
    message = _get(message_id)
    form = MoveForm()
    if move not in workflow.MOVES:
        abort(404)
    if not form.validate_on_submit():
        flash(_("Kommentaren är för lång eller formuläret har gått ut. Försök igen."), "error")
        return redirect(url_for("campaign.message", message_id=message.id))
    try:
        moved = operations.move(message, move, current_user, utcnow(), form.comment.data or "", version_of(form))
        db.session.commit()
        flash(str(labels.MOVE_DONE[move]) if moved else _("Det var redan gjort."), "success" if moved else "info")
    except operations.PlanError as error:
        db.session.rollback()
        show_error(None, error)
    return redirect(url_for("campaign.message", message_id=message.id))


@bp.post("/plan/<int:message_id>/publicerad")
@requires(*PLANNERS)
def mark_published(message_id: int):
    message = _get(message_id)
    require_action()
    try:
        done = operations.mark_published(message, current_user, utcnow())
        db.session.commit()
        flash(_("Meddelandet är markerat som publicerat.") if done else _("Det var redan gjort."), "success")
    except operations.PlanError as error:
        db.session.rollback()
        show_error(None, error)
    return redirect(request.form.get("back") == "tasks" and url_for("campaign.tasks")
                    or url_for("campaign.message", message_id=message.id))

"""Pages for managers and employees: "Mitt team", "Min utbildning", a person's training
(with exemptions), and the team export. Visibility goes through `auth.access` only."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

import audit
from auth.access import may_see, require_visible, requires, visible_person_ids
from extensions import db
from main.forms import ActionForm, require_action
from main.i18n import fmt_datetime, local_tz
from main.navigation import safe_next
from models import Course, CourseVersion, Exemption, Person, utcnow
from reminders import actions as reminder_actions
from reminders.forms import RemindForm
from training import drilldown, exports, facts, operations, queries, refresh
from training.display import display_rows, format_day, format_percent, state_label  # noqa: F401 (app globals)
from training.forms import ExemptionForm

bp = Blueprint("training", __name__)

FILTER_LABELS = {
    "todo": _l("Inte klara"), "overdue": _l("Försenade"), "in_progress": _l("Påbörjade"),
    "not_started": _l("Ej påbörjade"), "completed": _l("Genomförda"), "needs_new": _l("Behöver nya versionen"), "exempt": _l("Undantagna"),
    "all": _l("Alla"),
}


def list_args(default_state: str = "todo") -> dict:
    """The filter, sort and page arguments shared by the team and region lists."""
    unit = request.args.get("unit", "")
    return {
        "state": request.args.get("state") if request.args.get("state") in queries.FILTERS else default_state,
        "unit_id": int(unit) if unit.isdigit() else None,
        "q": request.args.get("q", "").strip()[:200],
        "sort": request.args.get("sort") if request.args.get("sort") in queries.SORTS else "due",
        "desc": request.args.get("desc") == "1",
        "page": max(request.args.get("page", 1, type=int) or 1, 1),
    }


def _manager() -> Person:
    manager = current_user
    manager_id = request.args.get("manager", type=int)
    if manager_id and manager_id != current_user.id:
        manager = db.get_or_404(Person, manager_id)
        require_visible(manager)
    return manager


def _requirement():
    requirement = queries.requirement_or_default(request.args.get("requirement", type=int))
    if requirement is None:
        abort(404)
    return requirement


@bp.get("/training/team")
@requires("manager", "admin")
def team():
    manager, requirement = _manager(), _requirement()
    refresh.ensure_fresh(utcnow())
    args = list_args()
    audit.record("training.team.view", "person", manager.id,
                 {"requirement": requirement.id, **{k: v for k, v in args.items() if v}}, commit=False)
    summary = queries.team_summary(requirement, manager)
    chosen = next(((u, c) for u, c in summary.units if (u.id if u else 0) == args["unit_id"]), None)
    plain = args["state"] == "todo" and args["unit_id"] is None and not args["q"]
    people = queries.people_page(requirement, manager=manager, **args,
                                 known_total=queries.todo_total(summary) if plain else None)
    page = render_template(
        "training/team.html", manager=manager, requirement=requirement, summary=summary, people=people,
        args=args, data_time=queries.data_time(requirement), requirements=facts.active_requirements(),
        versions=version_names(), remind_form=RemindForm(formdata=None, requirement=requirement.id),
        reminded=reminder_actions.last_reminded(requirement, [p.id for p, _u, _s in people.rows]),
        chosen_unit=chosen, report_teams=drilldown.report_teams(requirement, manager),
        trail=drilldown.trail(current_user, manager), todo=queries.todo_total(summary),
    )
    db.session.commit()  # the audit event; after rendering, so nothing shown was expired by it
    return page


@bp.get("/training/team/export.<fmt>")
@requires("manager", "admin")
def team_export(fmt: str):
    if fmt not in exports.FORMATS:
        abort(404)
    manager, requirement = _manager(), _requirement()
    refresh.ensure_fresh(utcnow())
    args = list_args(default_state="all")
    rows = queries.all_people(requirement, manager=manager, state=args["state"], unit_id=args["unit_id"], q=args["q"])
    title = _("%(course)s – team %(name)s", course=requirement.course.name, name=manager.name)
    title = f"{title} – {filters_text(args)}"
    response = exports.response(fmt, f"utbildning-team-{manager.username}", title,
                                _local(queries.data_time(requirement)), *people_table(rows))
    audit.record("training.team.export", "person", manager.id,
                 {"requirement": requirement.id, "format": fmt, "state": args["state"], "unit": args["unit_id"],
                  "q": args["q"], "rows": len(rows)})
    return response


def filters_text(args: dict) -> str:
    """The filters of a list in words, for the first line of its export."""
    parts = [_("Filter: %(state)s", state=FILTER_LABELS.get(args["state"], args["state"]))]
    if args["unit_id"] is not None:
        name = queries.unit_name(args["unit_id"]) if args["unit_id"] else None
        parts.append(_("enhet %(name)s", name=name or _("(ingen enhet)")))
    if args["q"]:
        parts.append(_("namn innehåller ”%(q)s”", q=args["q"]))
    return ", ".join(parts)


def people_table(rows) -> tuple[list[str], list[list]]:
    """Header and rows of a people export (the same columns everywhere)."""
    versions = version_names()
    headers = [_("Namn"), _("Användarnamn"), _("Anställningsnummer"), _("Enhet"), _("Status"), _("Sista datum"),
               _("Genomförd"), _("Version")]
    body = [[p.name, p.username, p.employee_number or "", u.name if u else "", state_label(s.state), s.due_on,
             _local(s.completed_at), versions.get(s.version_id, "")] for p, u, s in rows]
    return headers, body


def _local(moment):
    return moment.astimezone(local_tz()).replace(microsecond=0) if moment else None


def version_names() -> dict[int, str]:
    return dict(db.session.execute(select(CourseVersion.id, CourseVersion.name)).all())


@bp.get("/training/mine")
@login_required
def mine():
    items = queries.person_training(current_user, utcnow(), current_app.config["COURSE_URL"])
    return render_template("training/mine.html", items=items, history=queries.person_history(current_user),
                           exemptions=queries.person_exemptions(current_user))


def can_exempt(viewer: Person, person: Person) -> bool:
    """Admins, and managers above the person (never the person themselves)."""
    if viewer.has_role("admin"):
        return True
    return viewer.id != person.id and viewer.is_manager and may_see(viewer, person)


@bp.get("/training/people/<int:person_id>")
@requires("employee")
def person(person_id: int):
    person = db.get_or_404(Person, person_id)
    require_visible(person)
    if person.id != current_user.id:
        audit.record("training.person.view", "person", person.id)
    return _person_page(person, ExemptionForm(formdata=None))


def _person_page(person: Person, form: ExemptionForm, status: int = 200):
    form.course.choices = [(0, _("Alla kurser"))] + [
        (c.id, c.name) for c in db.session.scalars(select(Course).order_by(Course.name))]
    if form.starts_on.data is None:
        form.starts_on.data = utcnow().astimezone(local_tz()).date()
    items = queries.person_training(person, utcnow(), current_app.config["COURSE_URL"])
    return render_template(
        "training/person.html", person=person, items=items, history=queries.person_history(person),
        exemptions=queries.person_exemptions(person), form=form, may_exempt=can_exempt(current_user, person),
        action_form=ActionForm(), reminded={
            item.requirement.id: reminder_actions.last_reminded(item.requirement, [person.id]).get(person.id)
            for item in items},
    ), status


@bp.post("/training/people/<int:person_id>/exemptions")
@requires("manager", "admin")
def add_exemption(person_id: int):
    person = db.get_or_404(Person, person_id)
    require_visible(person)
    if not can_exempt(current_user, person):
        abort(403)
    form = ExemptionForm()
    form.course.choices = [(0, "")] + [(c.id, c.name) for c in db.session.scalars(select(Course))]
    if not form.validate_on_submit():
        return _person_page(person, form, 400)
    course = db.session.get(Course, form.course.data) if form.course.data else None
    operations.add_exemption(person, form.reason.data, form.ends_on.data, starts_on=form.starts_on.data,
                             by=current_user, course=course)
    db.session.commit()
    flash(_("Undantaget för %(name)s är sparat.", name=person.name), "success")
    return redirect(url_for("training.person", person_id=person.id))


@bp.post("/training/exemptions/<int:exemption_id>/revoke")
@requires("manager", "admin")
def revoke_exemption(exemption_id: int):
    exemption = db.get_or_404(Exemption, exemption_id)
    person = exemption.person
    require_visible(person)
    if not can_exempt(current_user, person):
        abort(403)
    require_action()
    operations.revoke_exemption(exemption, current_user, utcnow())
    db.session.commit()
    flash(_("Undantaget är avslutat."), "success")
    return redirect(url_for("training.person", person_id=person.id))


#: How many people one "Påminn valda" may name (a page lists 50).
REMIND_MAX = 200


@bp.post("/training/remind")
@requires("manager", "admin")
def remind():
    """"Påminn valda" / "Påminn nu": queue a reminder to each chosen person the user may see."""
    form = RemindForm()
    if not form.validate_on_submit():
        abort(400)
    requirement = queries.requirement_or_default(form.requirement.data)
    if requirement is None or requirement.id != form.requirement.data:
        abort(404)
    ids = sorted({i for i in request.form.getlist("person", type=int)})
    back = safe_next(form.next.data) or url_for("training.team")
    if not ids:
        flash(_("Välj minst en person att påminna."), "error")
        return redirect(back)
    if len(ids) > REMIND_MAX:
        flash(_("Högst %(n)s personer åt gången.", n=REMIND_MAX), "error")
        return redirect(back)
    people = list(db.session.scalars(select(Person).where(
        Person.id.in_(ids), Person.id.in_(visible_person_ids(current_user)))))
    if len(people) != len(ids):
        abort(403)  # someone outside the user's team (or no one at all: not told apart)
    report = reminder_actions.remind_now(requirement, people, current_user, utcnow())
    db.session.commit()
    flash_reminded(report)
    return redirect(back)


def flash_reminded(report: reminder_actions.ManualReport) -> None:
    if report.sent:
        if report.send_at and report.send_at > utcnow():
            flash(_("Påminnelse till %(names)s skickas %(when)s (nästa arbetsdag inom kontorstid).",
                    names=", ".join(report.sent), when=fmt_datetime(report.send_at)), "success")
        else:
            flash(_("Påminnelse skickas till %(names)s.", names=", ".join(report.sent)), "success")
    if report.limited:
        flash(_("%(names)s har redan påmints i dag.", names=", ".join(report.limited)), "warning")
    if report.done:
        flash(_("%(names)s är redan klara eller undantagna.", names=", ".join(report.done)), "info")
    if report.no_address:
        flash(_("%(names)s saknar en giltig e-postadress.", names=", ".join(report.no_address)), "error")

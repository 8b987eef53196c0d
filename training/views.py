"""Pages for managers and employees: "Mitt team", "Min utbildning", a person's training
(with exemptions), and the team export. Visibility goes through `auth.access` only."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

import audit
from auth.access import may_see, require_visible, requires
from extensions import db
from main.forms import ActionForm, parse_id, require_action
from main.i18n import fmt_datetime, fmt_number, local_tz
from main.navigation import safe_next
from models import Exemption, Person, utcnow
from reminders import actions as reminder_actions
from reminders.forms import RemindForm
from training import (
    drilldown,
    exports,
    facts,
    freshness,
    operations,
    people_export,
    person_queries,
    queries,
    unit_rows,
)
from training.display import (  # noqa: F401 (app globals)
    STATE_LABELS,
    count_rows,
    display_rows,
    format_day,
    state_label,
)
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
        "unit_id": parse_id(unit),
        "q": request.args.get("q", "").strip()[:200],
        "sort": request.args.get("sort") if request.args.get("sort") in queries.SORTS else "due",
        "desc": request.args.get("desc") == "1",
        "page": max(request.args.get("page", 1, type=int) or 1, 1),
    }


def unit_args() -> dict:
    """The unit search and the page of unit rows (team and region pages)."""
    return {"q": request.args.get("unit_q", "").strip()[:100],
            "page": max(request.args.get("unit_page", 1, type=int) or 1, 1)}


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
    args = list_args()
    audit.record("training.team.view", "person", manager.id,
                 {"requirement": requirement.id, **{k: v for k, v in args.items() if v}}, commit=False)
    summary = queries.team_summary(requirement, manager, with_units=False)
    units = unit_rows.team_units(requirement, manager, **unit_args())
    chosen = unit_rows.team_unit(requirement, manager, args["unit_id"])
    plain = args["state"] == "todo" and args["unit_id"] is None and not args["q"]
    people = queries.people_page(requirement, manager=manager, **args,
                                 known_total=queries.todo_total(summary) if plain else None)
    page = render_template(
        "training/team.html", manager=manager, requirement=requirement, summary=summary, people=people, units=units,
        args=args, freshness=freshness.state(requirement), requirements=facts.active_requirements(),
        versions=people_export.version_names(), remind_form=RemindForm(formdata=None, requirement=requirement.id),
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
    release = exports.export_slot()
    if release is None:
        return exports.busy()
    try:
        return _team_download(fmt, manager, requirement, release)
    except BaseException:
        release()
        raise


def _team_download(fmt: str, manager: Person, requirement, release):
    args = list_args(default_state="all")
    chosen = {k: args[k] for k in ("state", "unit_id", "q")}
    rows = people_export.count_people(requirement, manager=manager, **chosen)
    title = _("%(course)s – team %(name)s", course=requirement.course.name, name=manager.name)
    title = f"{title} – {people_export.filters_text(args, FILTER_LABELS)}"
    audit.record("training.team.export", "person", manager.id,
                 {"requirement": requirement.id, "format": fmt, "state": args["state"], "unit": args["unit_id"],
                  "q": args["q"], "rows": rows})
    return people_export.download(fmt, f"utbildning-team-{manager.username}", title,
                                  _local(queries.data_time(requirement)), requirement, STATE_LABELS,
                                  manager=manager, release=release, **chosen)


def _local(moment):
    return moment.astimezone(local_tz()).replace(microsecond=0) if moment else None


@bp.get("/training/mine")
@login_required
def mine():
    items = person_queries.person_training(current_user, utcnow(), current_app.config["COURSE_URL"])
    return render_template("training/mine.html", items=items, history=person_queries.person_history(current_user),
                           exemptions=person_queries.person_exemptions(current_user))


def can_exempt(viewer: Person, person: Person) -> bool:
    """Admins, and managers above the person (never the person themselves)."""
    if viewer.has_role("admin"):
        return True
    return viewer.id != person.id and viewer.is_manager and may_see(viewer, person)


@bp.get("/training/people/<int:person_id>")
@requires("employee")
def person(person_id: int):
    person = person_queries.person_or_404(person_id)
    require_visible(person)
    if person.id != current_user.id:
        audit.record("training.person.view", "person", person.id, commit=False)
    page = _person_page(person, ExemptionForm(formdata=None))
    db.session.commit()  # the audit event; after rendering, so the viewer and the person are not loaded twice
    return page


def _person_page(person: Person, form: ExemptionForm, status: int = 200):
    form.course.choices = [(0, _("Alla kurser"))] + [(c.id, c.name) for c in person_queries.courses()]
    if form.starts_on.data is None:
        form.starts_on.data = utcnow().astimezone(local_tz()).date()
    items = person_queries.person_training(person, utcnow(), current_app.config["COURSE_URL"])
    return render_template(
        "training/person.html", person=person, items=items, history=person_queries.person_history(person),
        exemptions=person_queries.person_exemptions(person), form=form, may_exempt=can_exempt(current_user, person),
        action_form=ActionForm(), reminded={
            item.requirement.id: reminder_actions.last_reminded(item.requirement, [person.id]).get(person.id)
            for item in items},
    ), status


@bp.post("/training/people/<int:person_id>/exemptions")
@requires("manager", "admin")
def add_exemption(person_id: int):
    person = person_queries.person_or_404(person_id)
    require_visible(person)
    if not can_exempt(current_user, person):
        abort(403)
    form = ExemptionForm()
    form.course.choices = [(0, "")] + [(c.id, c.name) for c in person_queries.courses(by_name=False)]
    if not form.validate_on_submit():
        return _person_page(person, form, 400)
    course = person_queries.course(form.course.data)
    operations.add_exemption(person, form.reason.data, form.ends_on.data, starts_on=form.starts_on.data,
                             by=current_user, course=course)
    db.session.commit()
    freshness.people_changed([person.id], utcnow())
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
    freshness.people_changed([person.id], utcnow())
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
        flash(_("Högst %(n)s personer åt gången.", n=fmt_number(REMIND_MAX)), "error")
        return redirect(back)
    people = person_queries.visible_people(ids, current_user)
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

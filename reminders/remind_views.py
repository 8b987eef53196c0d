""""Påminn alla som inte är klara" and its "Ångra", from the start page and "Mitt team".

After either button the person lands back where they pressed it. The last batch is kept
in the session so the pages can offer "Ångra" while its e-mails still wait in the outbox.
"""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from auth.access import require_visible, requires
from extensions import db
from main.i18n import fmt_datetime, fmt_number, ngettext
from main.navigation import safe_next
from models import Person, utcnow
from reminders import remind_all
from reminders.forms import RemindAllForm, UndoRemindForm
from training import queries

bp = Blueprint("training_remind", __name__)

#: Session key of the last "remind all" batch: {"requirement": id, "at": ISO time}.
SESSION_KEY = "remind_batch"
#: How many names the flash lists before "and N others".
NAMES_SHOWN = 5


def _names(names: list[str]) -> str:
    names = sorted(names)
    if len(names) <= NAMES_SHOWN:
        return ", ".join(names)
    return _("%(names)s och %(n)s till", names=", ".join(names[:NAMES_SHOWN]), n=fmt_number(len(names) - NAMES_SHOWN))


@bp.post("/training/remind-all")
@requires("manager", "admin")
def remind_all_view():
    form = RemindAllForm()
    if not form.validate_on_submit():
        abort(400)
    requirement = queries.requirement_or_default(form.requirement.data)
    if requirement is None or requirement.id != form.requirement.data:
        abort(404)
    manager = current_user
    if form.manager.data and form.manager.data != current_user.id:
        manager = db.get_or_404(Person, form.manager.data)
        require_visible(manager)
    back = safe_next(form.next.data) or url_for("training.team")
    now = utcnow()
    people = remind_all.not_done_people(requirement, manager)
    limit = current_app.config["REMIND_ALL_MAX"]
    if len(people) > limit:
        flash(_("%(n)s personer är inte klara; högst %(max)s kan påminnas med ett klick. Välj en enhet eller "
                "låt de schemalagda påminnelserna sköta det.", n=fmt_number(len(people)), max=fmt_number(limit)), "error")
        return redirect(back)
    report = remind_all.remind_now(requirement, people, current_user, now)
    db.session.commit()
    if report.sent:
        session[SESSION_KEY] = {"requirement": requirement.id, "at": now.isoformat()}
        flash(ngettext("Påminnelse till %(num)s person (%(names)s) skickas %(when)s.",
                       "Påminnelser till %(num)s personer (%(names)s) skickas %(when)s.",
                       len(report.sent), names=_names(report.sent), when=fmt_datetime(report.send_at or now)),
              "success")
    else:
        flash(_("Ingen påminnelse skickades."), "warning")
    if report.limited:
        flash(_("%(names)s har redan påmints i dag.", names=_names(report.limited)), "warning")
    if report.no_address:
        flash(_("%(names)s saknar en giltig e-postadress.", names=_names(report.no_address)), "error")
    return redirect(back)


@bp.post("/training/remind-all/undo")
@requires("manager", "admin")
def undo_view():
    form = UndoRemindForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        at = datetime.fromisoformat(form.at.data)
    except ValueError:
        abort(400)
    back = safe_next(form.next.data) or url_for("main.index")
    report = remind_all.undo(form.requirement.data, current_user, at)
    db.session.commit()
    session.pop(SESSION_KEY, None)
    if report.cancelled:
        flash(ngettext("%(num)s påminnelse är ångrad och skickas inte.",
                       "%(num)s påminnelser är ångrade och skickas inte.", report.cancelled), "success")
    if report.too_late:
        flash(ngettext("%(num)s påminnelse hade redan skickats.", "%(num)s påminnelser hade redan skickats.",
                       report.too_late), "warning")
    if not report.cancelled and not report.too_late:
        flash(_("Det fanns inget att ångra."), "warning")
    return redirect(back)


def pending_batch() -> dict | None:
    """The signed-in person's last batch while some of it can still be undone (for the pages)."""
    batch = session.get(SESSION_KEY)
    if not batch or not current_user.is_authenticated:
        return None
    try:
        at = datetime.fromisoformat(batch["at"])
    except (KeyError, TypeError, ValueError):
        return None
    n = remind_all.pending(batch.get("requirement", 0), current_user.id, at)
    if not n:
        return None
    return {"requirement": batch["requirement"], "at": batch["at"], "count": n,
            "form": UndoRemindForm(formdata=None, requirement=batch["requirement"], at=batch["at"],
                                   next=request.full_path)}


def remind_all_form(requirement_id: int, manager_id: int | None = None) -> RemindAllForm:
    """A fresh "Påminn alla" form for a page (a template global)."""
    return RemindAllForm(formdata=None, requirement=requirement_id, manager=manager_id)

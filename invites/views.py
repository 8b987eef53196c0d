"""Pages and files: an activity's .ics, registering, the feeds and the "Mina kalenderflöden" page,
and the planners' invitation page. Thin: parse, call, render."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.http import is_resource_modified

from audit import record
from auth.access import requires
from extensions import db
from invites import answers, content, feeds, labels, operations, queries, registration, tokens
from invites.operations import InviteError
from invites.recurrence import RecurrenceError
from main.forms import ActionForm, require_action
from main.i18n import fmt_number
from models import Activity, Campaign, utcnow

bp = Blueprint("invites", __name__)

ICS = "text/calendar"


def template_helpers() -> dict:
    """Template globals for campaign/my_activities.html (registration states of the listed activities)."""

    def invite_states(activities):
        if not current_user.is_authenticated:
            return {}
        return queries.states(current_user, list(activities))

    def registration_open(activity) -> bool:
        return activity.status == "confirmed" and activity.starts_at > utcnow()

    def activity_past(activity) -> bool:
        """Over: no "add to calendar", no free seats."""
        return activity.ends_at < utcnow()

    def activity_when(activity) -> str:
        """All-day dates, and a series' occurrences, for the activity lists."""
        locale = content.locale_of(current_user if current_user.is_authenticated else None)
        text = content.time_text(activity, locale)
        if activity.rrule:
            text += "; " + _("Upprepas") + ": " + content.occurrence_text(activity, locale)
        return text

    return {"invite_states": invite_states, "registration_open": registration_open, "invite_form": ActionForm,
            "activity_when": activity_when, "activity_past": activity_past}


def _ics_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype=ICS)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8; method=PUBLISH"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/aktiviteter/<int:activity_id>/kalender.ics")
@requires("employee")
def activity_ics(activity_id: int):
    """"Lägg till i kalendern": the activity as METHOD:PUBLISH."""
    activity = db.get_or_404(Activity, activity_id)
    if not queries.may_download(current_user, activity):
        abort(404)
    return _ics_response(content.publish(activity), f"aktivitet-{activity.id}.ics")


def _activity_action(activity_id: int, action) -> ResponseReturnValue:
    activity = db.get_or_404(Activity, activity_id)
    require_action()
    try:
        outcome = action(activity, current_user, utcnow())
        db.session.commit()
    except RecurrenceError:
        raise  # a stored rule that cannot be expanded is a server error, not a refusal to explain
    except InviteError as error:
        db.session.rollback()
        flash(str(labels.ERRORS.get(error.code, _("Det gick inte."))), "error")
        return redirect(url_for("campaign.my_activities"))
    flash(_message(outcome.status, activity), "success" if outcome.status != "waiting" else "info")
    return redirect(url_for("campaign.my_activities"))


def _message(status: str, activity: Activity) -> str:
    return {
        "registered": _("Du är anmäld till ”%(title)s”. En kalenderinbjudan kommer med e-post.", title=activity.title),
        "waiting": _("”%(title)s” är fullbokad. Du står på väntelistan och får en inbjudan om en plats blir ledig.",
                     title=activity.title),
        "cancelled": _("Du är avanmäld från ”%(title)s”.", title=activity.title),
        "unchanged": _("Inget ändrades."),
    }[status]


@bp.post("/aktiviteter/<int:activity_id>/anmal")
@requires("employee")
def register(activity_id: int):
    return _activity_action(activity_id, registration.register)


@bp.post("/aktiviteter/<int:activity_id>/avanmal")
@requires("employee")
def unregister(activity_id: int):
    return _activity_action(activity_id, registration.unregister)


def _feed_page(token: str | None = None, status: int = 200):
    active = tokens.active_token(current_user)
    campaigns = queries.feed_campaigns(utcnow().date())
    links = _links(token, campaigns) if token else None
    return render_template("invites/feeds.html", active=active, links=links, campaigns=campaigns,
                           form=ActionForm(), expired=status == 400), status


def _links(token: str, campaigns: list[Campaign]) -> list[dict]:
    base = current_app.config["BASE_URL"].rstrip("/")
    items = [(_("Mina aktiviteter"), url_for("invites.personal_feed", token=token))]
    items += [(c.title, url_for("invites.campaign_feed", token=token, campaign_id=c.id)) for c in campaigns]
    return [{"name": name, "https": base + path, "webcal": "webcal://" + (base + path).split("://", 1)[1]}
            for name, path in items]


@bp.get("/kalenderfloden")
@requires("employee")
def feeds_page():
    """"Mina kalenderflöden": make, replace or revoke the secret feed link."""
    return _feed_page()


@bp.post("/kalenderfloden")
@requires("employee")
def new_feed_link():
    if not ActionForm().validate_on_submit():
        return _feed_page(status=400)
    token = tokens.create(current_user, utcnow())
    db.session.commit()
    return _feed_page(token)  # shown once: only its hash is stored


@bp.post("/kalenderfloden/aterkalla")
@requires("employee")
def revoke_feed_link():
    if not ActionForm().validate_on_submit():
        return _feed_page(status=400)
    revoked = tokens.revoke(current_user, utcnow())
    db.session.commit()
    flash(_("Länken fungerar inte längre.") if revoked else _("Det fanns ingen länk att återkalla."), "success")
    return redirect(url_for("invites.feeds_page"))


def _serve(feed: feeds.Feed) -> Response:
    """200 with the calendar, or 304 when the client's ETag / date still matches."""
    if not is_resource_modified(request.environ, etag=feed.etag, last_modified=feed.last_modified):
        response = Response(status=304)
    else:
        response = Response(feed.body(), mimetype=ICS)
        response.headers["Content-Type"] = "text/calendar; charset=utf-8; method=PUBLISH"
    response.set_etag(feed.etag)
    response.last_modified = feed.last_modified
    response.headers["Cache-Control"] = "no-store"  # personal data; clients still revalidate by ETag
    response.headers["Referrer-Policy"] = "no-referrer"  # the URL is the secret
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/kalender/<token>/mina.ics")
def personal_feed(token: str):
    now = utcnow()
    owner = tokens.owner_for(token, now) or abort(404)
    return _serve(feeds.personal_feed(owner, now))


@bp.get("/kalender/<token>/kampanj/<int:campaign_id>.ics")
def campaign_feed(token: str, campaign_id: int):
    if tokens.owner_for(token, utcnow()) is None:
        abort(404)
    return _serve(feeds.campaign_feed(campaign_id) or abort(404))


@bp.route("/aktiviteter/<int:activity_id>/inbjudningar", methods=["GET", "POST"])
@requires("employee")
def invitations(activity_id: int):
    """Planners and the activity's organiser: how the invitations and answers stand; planners
    send them to the activity's audience."""
    activity = db.get_or_404(Activity, activity_id)
    if not queries.may_see_answers(current_user, activity):
        abort(403)
    form = ActionForm()
    if request.method == "POST":
        if not queries.is_planner(current_user):
            abort(403)
        if not form.validate_on_submit():
            return _invitations_page(activity, form), 400
        try:
            report = operations.invite_audience(activity, utcnow())
            db.session.commit()
            flash(_("%(n)s inbjudningar ligger i utkorgen; %(m)s personer saknar e-postadress.",
                    n=fmt_number(report.queued), m=fmt_number(report.no_address)), "success")
        except RecurrenceError:
            raise  # a stored rule that cannot be expanded is a server error, not a refusal to explain
        except InviteError as error:
            db.session.rollback()
            flash(str(labels.ERRORS.get(error.code, _("Det gick inte."))), "error")
        return redirect(url_for("invites.invitations", activity_id=activity.id))
    return _invitations_page(activity, form)


def _invitations_page(activity: Activity, form: ActionForm) -> Response:
    from campaign.labels import ACTIVITY_STATUSES

    record("invites.answers_viewed", "activity", activity.id)  # names and answers are personal data
    page = render_template("invites/invitations.html", activity=activity, form=form, summary=queries.summary(activity),
                           statuses=ACTIVITY_STATUSES, answers=answers.for_activity(activity),
                           answer_labels=labels.ANSWERS)
    return _no_store(page)


def _no_store(page: str) -> Response:
    response = Response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/kalendersvar/okanda")
@requires("admin")
def unknown_replies():
    """Admins: messages in the organiser mailbox that matched no invitation or could not be read."""
    total, rows = answers.unknown()
    record("invites.unknown_replies_viewed")
    return _no_store(render_template("invites/unknown_replies.html", total=total, rows=rows,
                                     reasons=labels.REPLY_REASONS,
                                     folder=current_app.config.get("IMAP_UNKNOWN_FOLDER", "")))

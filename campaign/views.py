"""Pages for campaigns and their activities, and the employees' list of activities."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from auth.access import requires
from campaign import activities as ops
from campaign import queries, repeat
from campaign.blueprint import PLANNERS, bp, show_error, warn_outside_period
from campaign.forms import ActivityForm, CampaignForm
from campaign.occurrence_views import occurrence_form
from campaign.operations import PlanError
from extensions import db
from main.forms import ActionForm, filled, require_action
from main.tokens import new_token
from models import Activity, Campaign, utcnow
from models.campaign import THEMES_2024


@bp.get("/kampanjer")
@requires(*PLANNERS)
def campaigns():
    return render_template("campaign/campaigns.html", campaigns=queries.campaigns())


def _campaign_form(form: CampaignForm, campaign: Campaign | None = None) -> CampaignForm:
    form.owner_id.choices = queries.planner_choices(campaign.owner if campaign is not None else None)
    return form


def _campaign_data(form: CampaignForm) -> ops.CampaignData:
    return ops.CampaignData(form.title.data, filled(form.starts_on.data), filled(form.ends_on.data), form.goals.data or "",
                            form.theme_list(), form.owner_id.data)


@bp.route("/kampanjer/ny", methods=["GET", "POST"])
@requires(*PLANNERS)
def new_campaign():
    form = _campaign_form(CampaignForm())
    if request.method == "GET":
        form.themes.data = "\n".join(THEMES_2024)
        form.owner_id.data = current_user.id
        return render_template("campaign/campaign_form.html", form=form, campaign=None)
    return _save_campaign(form, None)


@bp.route("/kampanjer/<int:campaign_id>/andra", methods=["GET", "POST"])
@requires(*PLANNERS)
def edit_campaign(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = _campaign_form(CampaignForm(obj=campaign), campaign)
    if request.method == "GET":
        form.themes.data = "\n".join(campaign.themes or [])
        return render_template("campaign/campaign_form.html", form=form, campaign=campaign)
    return _save_campaign(form, campaign)


def _save_campaign(form: CampaignForm, campaign: Campaign | None):
    if form.validate_on_submit():
        try:
            saved = ops.save_campaign(_campaign_data(form), current_user, utcnow(), campaign)
            db.session.commit()
            flash(_("Kampanjen är sparad."), "success")
            return redirect(url_for("campaign.campaign", campaign_id=saved.id))
        except PlanError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("campaign/campaign_form.html", form=form, campaign=campaign), 400


@bp.get("/kampanjer/<int:campaign_id>")
@requires(*PLANNERS)
def campaign(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    return render_template("campaign/campaign.html", campaign=campaign, messages=queries.messages_of(campaign),
                           form=ActionForm(), copy_years=[campaign.starts_on.year + n for n in range(1, COPY_YEARS + 1)])


#: How many years ahead a campaign can be copied to.
COPY_YEARS = 5


@bp.post("/kampanjer/<int:campaign_id>/kopiera")
@requires(*PLANNERS)
def copy_campaign(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    require_action()
    year = request.form.get("year", type=int) or campaign.starts_on.year + 1
    if not campaign.starts_on.year < year <= campaign.starts_on.year + COPY_YEARS:
        flash(_("Välj ett år efter kampanjens eget, högst %(n)s år fram.", n=COPY_YEARS), "error")
        return redirect(url_for("campaign.campaign", campaign_id=campaign.id))
    try:
        report = ops.copy_to_next_year(campaign, current_user, utcnow(), years=year - campaign.starts_on.year)
        db.session.commit()
    except PlanError as error:
        db.session.rollback()
        show_error(None, error)
        return redirect(url_for("campaign.campaign", campaign_id=campaign.id))
    flash(_("Kampanjen är kopierad: %(a)s aktiviteter och %(m)s meddelanden (meddelandena är utkast).",
            a=report.activities, m=report.messages), "success")
    if report.outside_period:
        flash(_("Hamnar utanför den nya perioden: %(titles)s", titles=", ".join(report.outside_period)), "warning")
    return redirect(url_for("campaign.campaign", campaign_id=report.campaign.id))


def _activity_form(form: ActivityForm, campaign: Campaign, activity: Activity | None = None) -> ActivityForm:
    themes = list(campaign.themes or [])
    if activity is not None and activity.theme not in themes:
        themes.append(activity.theme)
    form.theme.choices = [(t, t) for t in themes]
    form.unit_ids.choices = queries.unit_choices()
    form.organiser_id.choices = queries.planner_choices(activity.organiser if activity is not None else None)
    return form


def _activity_data(form: ActivityForm, activity: Activity | None = None) -> ops.ActivityData:
    whole = form.whole_region.data != "0"
    return ops.ActivityData(
        title=form.title.data, description=form.description.data or "", theme=form.theme.data, kind=form.kind.data,
        place=form.place.data or "", online_url=form.online_url.data or "", whole_region=whole,
        capacity=form.capacity.data, organiser_id=form.organiser_id.data, status=form.status.data,
        unit_ids=[] if whole else form.unit_ids.data, overrides=list(activity.overrides or []) if activity else [],
        **repeat.to_data(form, filled(form.starts_at.utc), filled(form.ends_at.utc)))


@bp.route("/kampanjer/<int:campaign_id>/aktiviteter/ny", methods=["GET", "POST"])
@requires(*PLANNERS)
def new_activity(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = _activity_form(ActivityForm(), campaign)
    if request.method == "GET":
        form.form_token.data = new_token(24)
        form.organiser_id.data = current_user.id
        return render_template("campaign/activity_form.html", form=form, campaign=campaign, activity=None)
    return _save_activity(form, campaign, None)


@bp.route("/aktiviteter/<int:activity_id>/andra", methods=["GET", "POST"])
@requires(*PLANNERS)
def edit_activity(activity_id: int):
    activity = db.get_or_404(Activity, activity_id)
    form = _activity_form(ActivityForm(obj=activity), activity.campaign, activity)
    if request.method == "GET":
        form.whole_region.data = "1" if activity.whole_region else "0"
        form.unit_ids.data = [u.id for u in activity.units]
        repeat.fill(form, activity)
        return render_template("campaign/activity_form.html", form=form, campaign=activity.campaign,
                               activity=activity, occurrence_form=occurrence_form(activity))
    return _save_activity(form, activity.campaign, activity)


def _save_activity(form: ActivityForm, campaign: Campaign, activity: Activity | None):
    if form.validate_on_submit():
        try:
            saved = ops.save_activity(campaign, _activity_data(form, activity), current_user, utcnow(), activity,
                                      form.form_token.data or None)
            db.session.commit()
            flash(_("Aktiviteten är sparad."), "success")
            warn_outside_period(campaign, saved.starts_at, saved.title)
            return redirect(url_for("campaign.campaign", campaign_id=saved.campaign_id))
        except PlanError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("campaign/activity_form.html", form=form, campaign=campaign, activity=activity), 400


@bp.get("/aktiviteter")
@requires("employee")
def my_activities():
    """Confirmed activities open to the signed-in person (no drafts, no other units' events)."""
    now = utcnow()
    items = queries.activities_for(current_user)
    return render_template("campaign/my_activities.html", upcoming=[a for a in items if a.ends_at >= now],
                           past=[a for a in items if a.ends_at < now][-50:])

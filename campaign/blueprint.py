"""The campaign blueprint; views.py, plan_views.py and overview_views.py add its routes."""
from __future__ import annotations

from flask import Blueprint, flash
from flask_babel import gettext as _

from campaign import labels
from campaign.operations import PlanError
from campaign.queries import outside_period
from main.forms import error_on_field, parse_id
from main.i18n import fmt_date

bp = Blueprint("campaign", __name__)

#: Who plans: comms staff and admins (the security unit).
PLANNERS = ("comms", "admin")


def error_text(error: PlanError) -> str:
    return str(labels.ERRORS.get(error.code, _("Det gick inte att spara.")))


def show_error(form, error: PlanError) -> None:
    """Put an operation's error on its form field, or flash it when it is about the whole thing."""
    error_on_field(form, error.field, error_text(error))


def warn_outside_period(campaign, moment, title: str) -> None:
    """A warning flash when an item is dated outside its campaign's period (saved all the same)."""
    if outside_period(campaign, moment):
        flash(_("”%(title)s” ligger utanför kampanjens period (%(start)s–%(end)s).", title=title,
                start=fmt_date(campaign.starts_on), end=fmt_date(campaign.ends_on)), "warning")


def version_of(form) -> int | None:
    return parse_id(form.version.data) if "version" in form else None


@bp.context_processor
def campaign_labels():
    from campaign.export import audience_text

    return {
        "message_statuses": labels.MESSAGE_STATUSES, "audiences": labels.AUDIENCES,
        "activity_kinds": labels.ACTIVITY_KINDS, "activity_statuses": labels.ACTIVITY_STATUSES,
        "move_labels": labels.MOVES, "audience_text": audience_text,
    }

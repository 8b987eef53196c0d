"""The follow-up blueprint (admins only); views.py, kpi_views.py, report_views.py and
board_views.py add its routes."""
from __future__ import annotations

from flask import Blueprint

from followup import labels
from followup.operations import FollowupError
from main.forms import error_on_field

bp = Blueprint("followup", __name__, url_prefix="/admin/uppfoljning")


def show_error(form, error: FollowupError, **params) -> None:
    """Put an operation's error on its form field, or flash it when it is about the whole thing."""
    error_on_field(form, error.field, labels.error_text(error.code, **params))


@bp.context_processor
def followup_labels():
    return {"action_statuses": labels.ACTION_STATUSES, "evidence_kinds": labels.EVIDENCE_KINDS,
            "change_fields": labels.FIELDS}

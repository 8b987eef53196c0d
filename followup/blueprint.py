"""The follow-up blueprint (admins only); views.py, kpi_views.py, report_views.py and
board_views.py add its routes."""
from __future__ import annotations

from flask import Blueprint, flash

from followup import labels
from followup.operations import FollowupError

bp = Blueprint("followup", __name__, url_prefix="/admin/uppfoljning")


def show_error(form, error: FollowupError, **params) -> None:
    """Put an operation's error on its form field, or flash it when it is about the whole thing."""
    text = labels.error_text(error.code, **params)
    if form is not None and error.field and error.field in form:
        form[error.field].errors = list(form[error.field].errors) + [text]
    else:
        flash(text, "error")


@bp.context_processor
def followup_labels():
    return {"action_statuses": labels.ACTION_STATUSES, "evidence_kinds": labels.EVIDENCE_KINDS,
            "change_fields": labels.FIELDS}

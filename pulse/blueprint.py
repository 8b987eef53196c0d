"""The pulse blueprint; views.py and admin_views.py add its routes."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pulse", __name__)

#: Who creates pulses and reads their results: the security unit (admins).
PULSE_ADMINS = ("admin",)


@bp.context_processor
def pulse_labels() -> dict:
    from flask_babel import lazy_gettext as _l

    return {"pulse_states": {"planned": _l("Planerad"), "open": _l("Öppen"), "closed": _l("Stängd")}}

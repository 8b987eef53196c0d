"""Swedish UI words for invitation errors and states (English comes from the catalog)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ERRORS = {
    "no_registration": _l("Den här aktiviteten har ingen anmälan."),
    "not_confirmed": _l("Aktiviteten är inte bekräftad."),
    "started": _l("Aktiviteten har redan börjat."),
    "not_for_you": _l("Aktiviteten är inte för din enhet."),
    "has_capacity": _l("Aktiviteten har ett begränsat antal platser; deltagarna anmäler sig själva."),
}

REGISTRATION_STATUSES = {
    "registered": _l("Anmäld"),
    "waiting": _l("På väntelistan"),
    "cancelled": _l("Avanmäld"),
}

"""The Swedish UI texts for training's refusals (`TrainingError.code`; English comes from the
catalog, and the CLI prints the error's own English message)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from training.operations import TrainingError

ERRORS = {
    "bad_code": _l("Koden ska vara 1–40 tecken utan mellanslag."),
    "bad_url": _l("Ange en adress som börjar med https://, http:// eller mailto:."),
    "bad_duration": _l("Ange ett antal minuter mellan 1 och 1440."),
    "lms_name_taken": _l("En annan version har redan det namnet i kompetensportalen."),
    "no_units": _l("Välj minst en enhet."),
    "unknown_unit": _l("En av enheterna finns inte."),
    "no_due": _l("Ange ett sista datum, en tid för nyanställda eller hur ofta kursen ska förnyas."),
    "transition_without_version": _l("Ett övergångsdatum kräver att du väljer vilken version som gäller."),
    "foreign_version": _l("Versionen måste höra till kursen."),
}


def error_text(exc: TrainingError) -> str:
    """The refusal in the UI's language."""
    return str(ERRORS.get(exc.code, _("Ändringen kunde inte sparas.")))

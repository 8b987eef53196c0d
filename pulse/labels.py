"""UI texts for the pulse package's error codes (pulse.rules.PulseError)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ERRORS = {
    "title": _l("Ange en rubrik."),
    "dates": _l("Sista dagen kan inte vara före första dagen."),
    "audience": _l("Välj en målgrupp, och minst en enhet för ”Valda enheter”."),
    "audience_locked": _l("Mätningen har öppnat: målgruppen kan inte längre ändras."),
    "question_count": _l("En mätning har 3–10 frågor."),
    "keys": _l("Varje fråga behöver en egen nyckel."),
    "question": _l("Fråga %(n)s: ange typ och frågetext."),
    "options": _l("Fråga %(n)s: ange 2–6 svarsalternativ."),
    "options_en": _l("Fråga %(n)s: lika många engelska som svenska svarsalternativ."),
    "correct": _l("Fråga %(n)s: ange vilket alternativ som är rätt."),
    "planned": _l("Mätningen har inte öppnat ännu."),
    "closed": _l("Mätningen är stängd."),
    "missing": _l("Svara på fråga %(n)s."),
    "already": _l("Du har redan svarat på den här mätningen. Tack! Ett svar per person räknas."),
    "not_asked": _l("Den här länken gäller inte för dig."),
    "plan_channel": _l("Bara ett meddelande i kanalen för kännedomsmätningar kan planera en mätning."),
    "plan_taken": _l("Det meddelandet planerar redan en annan mätning."),
    "plan_missing": _l("Välj ett meddelande och en mätning ur listorna."),
    "plan_stale": _l("Meddelandet ändrades av någon annan just nu. Försök igen."),
}


def error_text(code: str, detail: str = "") -> str:
    return str(ERRORS.get(code, _l("Det gick inte att spara."))) % {"n": detail}

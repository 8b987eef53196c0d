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

#: Attendees' answers (PARTSTAT) as shown to planners.
ANSWERS = {
    "ACCEPTED": _l("Tackat ja"),
    "TENTATIVE": _l("Preliminärt"),
    "DECLINED": _l("Tackat nej"),
    "DELEGATED": _l("Delegerat"),
    "no_answer": _l("Inget svar"),
}

#: Why a message from the organiser mailbox was not applied.
REPLY_REASONS = {
    "bad_calendar": _l("Kalenderdelen gick inte att läsa."),
    "not_an_answer": _l("Kalenderdelen är inget svar (REPLY eller COUNTER)."),
    "no_answer": _l("Svaret saknar deltagare eller svarsstatus."),
    "unknown_event": _l("Ingen aktivitet har det här UID:t."),
    "unknown_attendee": _l("Avsändaren är inte inbjuden till aktiviteten."),
    "older_sequence": _l("Svar på en äldre version; ett nyare svar gäller."),
    "error": _l("Ett fel uppstod när svaret lästes."),
}

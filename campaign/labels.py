"""The Swedish UI words for the keys stored in campaign tables (English comes from the catalog)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIVITY_KINDS = {
    "lecture": _l("Föreläsning"),
    "webinar": _l("Webbinarium"),
    "apt": _l("APT-presentation"),
    "quiz": _l("Quiz"),
    "stand": _l("Monter"),
}

ACTIVITY_STATUSES = {
    "planned": _l("Planerad"),
    "confirmed": _l("Bekräftad"),
    "cancelled": _l("Inställd"),
}

MESSAGE_STATUSES = {
    "draft": _l("Utkast"),
    "review": _l("För granskning"),
    "approved": _l("Godkänd"),
    "scheduled": _l("Schemalagd"),
    "sent": _l("Skickad"),
    "published": _l("Publicerad"),
    "failed": _l("Misslyckades"),
    "cancelled": _l("Stoppad"),
}

AUDIENCES = {
    "all": _l("All personal"),
    "units": _l("Valda enheter"),
    "managers": _l("Endast chefer"),
    "not_done": _l("De som inte är klara med kursen"),
}

#: Button texts of the workflow moves.
MOVES = {
    "submit": _l("Skicka för granskning"),
    "return": _l("Skicka tillbaka till utkast"),
    "approve": _l("Godkänn"),
    "schedule": _l("Schemalägg"),
    "unschedule": _l("Ta bort schemaläggningen"),
    "cancel": _l("Stoppa meddelandet"),
    "reopen": _l("Öppna igen som utkast"),
}

#: What the flash message says after a move.
MOVE_DONE = {
    "submit": _l("Meddelandet är skickat för granskning."),
    "return": _l("Meddelandet är tillbaka som utkast."),
    "approve": _l("Meddelandet är godkänt."),
    "schedule": _l("Meddelandet är schemalagt."),
    "unschedule": _l("Schemaläggningen är borttagen; meddelandet är godkänt men skickas inte."),
    "cancel": _l("Meddelandet är stoppat."),
    "reopen": _l("Meddelandet är öppnat igen som utkast."),
}

#: Errors from campaign operations, by code.
ERRORS = {
    "not_allowed": _l("Det går inte att göra det med meddelandet i dess nuvarande status."),
    "unknown_move": _l("Okänt steg i arbetsflödet."),
    "read_only": _l("Meddelandet är redan skickat eller publicerat och kan inte ändras."),
    "cancelled": _l("Meddelandet är stoppat. Öppna det igen som utkast för att ändra det."),
    "stale": _l("Någon annan har ändrat meddelandet under tiden. Ladda om sidan och gör ändringen igen."),
    "not_planner": _l("Bara kommunikatörer och administratörer får göra det."),
    "four_eyes": _l("Någon annan än den som skrev meddelandet eller skickade det för granskning behöver godkänna det."),
    "in_past": _l("Den planerade tiden har redan passerat. Välj en tid i framtiden."),
    "empty_audience": _l("Målgruppen är tom: ingen aktiv person med e-postadress nås."),
    "no_units": _l("Välj minst en enhet."),
    "training_unavailable": _l("Inget utbildningskrav är aktivt just nu, så målgruppen "
                               "”inte klara med kursen” kan inte användas."),
    "unknown_unit": _l("Okänd enhet. Välj enheter ur listan."),
    "end_before_start": _l("Slutet måste vara efter början."),
    "no_themes": _l("Ange minst ett tema."),
    "unknown_theme": _l("Välj ett av kampanjens teman."),
    "bad_url": _l("Ange en fullständig adress som börjar med https://."),
    "no_place": _l("Ange en plats eller en länk till mötet."),
    "bad_capacity": _l("Antalet platser måste vara minst 1."),
    "bad_recurrence": _l("Upprepningen går inte att använda: ange ett slut (antal gånger eller sista dag), högst 366 tillfällen."),
    "comment_required": _l("Skriv en kommentar som förklarar varför."),
    "not_publishable": _l("Meddelandet kan markeras som publicerat först när det är schemalagt och tiden har kommit."),
    "email_channel": _l("E-postmeddelanden skickas av Vaksam och markeras inte som publicerade för hand."),
    "duplicate_title": _l("Det finns redan en kampanj med det namnet."),
    "nonexistent_time": _l("Klockslaget finns inte den dagen (klockan ställs fram en timme till sommartid). "
                           "Välj en annan tid."),
}

"""What each audit event means, in words (Swedish msgids; English from the catalog)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "directory.org.view": _l("Visade organisationsträdet"),
    "directory.run.view": _l("Visade en katalogsynk"),
    "followup.board_report.view": _l("Visade en nämndrapport"),
    "followup.document.download": _l("Laddade ned ett dokument"),
    "followup.report.export": _l("Exporterade en uppföljningsrapport"),
    "followup.report.view": _l("Visade en uppföljningsrapport"),
    "job.run_now": _l("Körde ett schemalagt jobb nu"),
    "outbox.cancel": _l("Stoppade ett utskick"),
    "outbox.eml": _l("Laddade ned ett utskick som fil"),
    "outbox.list": _l("Visade utskicken"),
    "outbox.retry": _l("Försökte skicka igen"),
    "outbox.retry_failed": _l("Försökte skicka alla misslyckade igen"),
    "outbox.view": _l("Visade ett utskick"),
    "people.list": _l("Visade användarlistan"),
    "person.view": _l("Visade en person"),
    "plan.export": _l("Exporterade kommunikationsplanen"),
    "plan.preview": _l("Förhandsvisade ett meddelande för en person"),
    "role.grant": _l("Gav en roll"),
    "role.revoke": _l("Tog bort en roll"),
    "team.view": _l("Visade ett team"),
    "training.exemption.create": _l("Lade till ett undantag"),
    "training.exemption.revoke": _l("Avslutade ett undantag"),
    "training.import": _l("Importerade genomföranden"),
    "training.import.problems_export": _l("Laddade ned en imports problemrader"),
    "training.import.undo": _l("Ångrade en import"),
    "training.import.view": _l("Visade en import"),
    "training.person.api": _l("Hämtade en persons utbildning via API"),
    "training.person.view": _l("Visade en persons utbildning"),
    "training.region.export": _l("Exporterade regionens utbildning"),
    "training.region.view": _l("Visade regionens utbildning"),
    "training.reminder.manual": _l("Skickade påminnelser"),
    "training.reminder.preview": _l("Förhandsvisade en påminnelse"),
    "training.reminder.undo": _l("Ångrade påminnelser"),
    "training.report.export": _l("Exporterade nämndrapporten om utbildning"),
    "training.report.view": _l("Visade nämndrapporten om utbildning"),
    "training.snapshot": _l("Sparade en ögonblicksbild av siffrorna"),
    "training.team.api": _l("Hämtade ett teams utbildning via API"),
    "training.team.export": _l("Exporterade ett teams utbildning"),
    "training.team.view": _l("Visade ett teams utbildning"),
    "training.token.create": _l("Skapade en API-nyckel"),
    "training.token.revoke": _l("Återkallade en API-nyckel"),
}


def action_label(action: str) -> str:
    """The event in words; an event without a description shows its code."""
    return str(ACTIONS.get(action, action))

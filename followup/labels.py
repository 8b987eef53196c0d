"""The Swedish UI words for the keys stored in follow-up tables and for operation errors."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_STATUSES = {
    "planned": _l("Planerad"),
    "in_progress": _l("Pågår"),
    "done": _l("Genomförd"),
    "postponed": _l("Uppskjuten"),
}

EVIDENCE_KINDS = {
    "activity": _l("Aktivitet"),
    "message": _l("Meddelande i kommunikationsplanen"),
    "requirement": _l("Utbildningskrav"),
    "document": _l("Uppladdat dokument"),
    "url": _l("Webbadress"),
}

#: Names of the fields in the change history.
FIELDS = {
    "created": _l("Skapad"),
    "title": _l("Rubrik"),
    "description": _l("Beskrivning"),
    "owner_id": _l("Ansvarig"),
    "due_on": _l("Klart senast"),
    "status": _l("Status"),
    "postponed_reason": _l("Skäl till uppskjutning"),
    "recommendation_id": _l("Rekommendation"),
    "comment": _l("Kommentar"),
    "evidence": _l("Underlag"),
    "text": _l("Rekommendation"),
    "remarks": _l("Övriga synpunkter"),
    "number": _l("Nummer"),
    "value": _l("Värde"),
    "target": _l("Målvärde"),
    "note": _l("Anmärkning"),
}

ERRORS = {
    "title_required": _l("Ange en rubrik."),
    "bad_status": _l("Välj en giltig status."),
    "reason_required": _l("Ange varför åtgärden skjuts upp."),
    "bad_owner": _l("Välj en aktiv person som ansvarig."),
    "bad_kind": _l("Välj vad underlaget är."),
    "target_missing": _l("Det valda underlaget finns inte."),
    "bad_url": _l("Ange en webbadress som börjar med https:// eller http://."),
    "file_missing": _l("Välj en fil att ladda upp."),
    "file_empty": _l("Filen är tom."),
    "file_too_large": _l("Filen är för stor. Största tillåtna storlek är %(mb)s MB."),
    "file_type": _l("Filtypen är inte tillåten. Ladda upp PDF, Word (DOCX), Excel (XLSX), PNG eller JPEG."),
    "file_mismatch": _l("Filens innehåll stämmer inte med filändelsen. Filen har inte sparats."),
    "duplicate_title": _l("Det finns redan en granskningsrapport med den rubriken."),
    "duplicate_kpi": _l("Det finns redan ett nyckeltal med det namnet."),
    "duplicate_board": _l("Det finns redan en nämnd med det namnet."),
    "unit_taken": _l("En av förvaltningarna hör redan till en annan nämnd."),
    "not_top_unit": _l("Välj förvaltningar (enheter på översta nivån)."),
    "bad_period": _l("Ange ett kvartals sista dag (31 mars, 30 juni, 30 september eller 31 december)."),
    "computed_kpi": _l("Värdet räknas fram ur data och kan inte ändras för hand."),
    "text_required": _l("Skriv rekommendationens text."),
}


def error_text(code: str, **params) -> str:
    text = ERRORS.get(code)
    return str(text) % params if text is not None and params else str(text or _l("Det gick inte att spara."))

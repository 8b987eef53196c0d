"""The retention table (gallringsregler): the one place that says, per category of personal data,
what is kept, why, for how long, which setting changes the period and what happens at the end.

The nightly job (privacy/tasks.py), the CLI, the admin page, the record of processing
(/admin/dataskydd) and docs/privacy.md all read this table; privacy/purge.py carries out
each category's end action.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext


@dataclass(frozen=True)
class Category:
    #: Stable id, also the key in `retention run --json` ("mail_content").
    name: str
    #: What the category is (a lazy Swedish msgid, like the texts below: the UI shows them in its
    #: language, the record of processing in Swedish).
    label: str
    #: Which data it covers.
    data: str
    #: Why it is kept.
    purpose: str
    #: The legal ground (one line).
    legal_ground: str
    #: The setting that changes the period; None when the period is fixed in code.
    setting: str | None
    #: "hours", "days", "months" or "years".
    unit: str
    #: The default period.
    default: int
    #: The smallest period accepted (a setting below it, e.g. 0, is refused at start-up).
    minimum: int
    #: What happens at the end of the period.
    end: str
    #: What is kept after the end.
    kept: str


PUBLIC_TASK = _l("Allmänt intresse/myndighetsutövning (GDPR art. 6.1 e) och arbetsgivarens skyldighet "
              "att arbeta systematiskt med informationssäkerhet")

CATEGORIES: tuple[Category, ...] = (
    Category("mail_content", _l("E-postens innehåll"), _l("Brödtext och hela MIME-meddelandet i utkorgen"),
             _l("Visa och felsöka skickade påminnelser och inbjudningar"), PUBLIC_TASK,
             "RETENTION_MAIL_DAYS", "days", 90, 7,
             _l("Texten och MIME-meddelandet töms för skickade, misslyckade och stoppade meddelanden"),
             _l("Mottagarens person-id, ämne, typ, status och datum (för statistiken)")),
    Category("audit_addresses", _l("IP-adresser och sökord i granskningsloggen"),
             _l("Klientens IP-adress och fritextsökningar i granskningsloggen"),
             _l("Utreda obehörig åtkomst till personuppgifter under en rimlig tid"),
             _l("Säkerhet i behandlingen (GDPR art. 32), allmänt intresse (art. 6.1 e)"),
             "RETENTION_AUDIT_IP_DAYS", "days", 180, 30,
             _l("IP-adressen tas bort och sökordet stryks ur händelsens detaljer"),
             _l("Händelsen utan adress och sökord")),
    Category("audit_events", _l("Granskningsloggens händelser"),
             _l("Vem som visade, exporterade eller ändrade personuppgifter"),
             _l("Kunna visa vem som behandlat personuppgifter (ansvarsskyldighet)"),
             _l("Ansvarsskyldighet och säkerhet (GDPR art. 5.2 och 32)"),
             "RETENTION_AUDIT_YEARS", "years", 2, 1, _l("Händelsen raderas"), _l("Inget")),
    Category("login_attempts", _l("Inloggningsförsök"), _l("Angivet användarnamn, IP-adress, utfall och tid"),
             _l("Begränsa gissning av lösenord"), _l("Säkerhet i behandlingen (GDPR art. 32)"),
             None, "days", 30, 30, _l("Försöket raderas"), _l("Inget")),
    Category("sessions", _l("Sessioner och inloggningar via regionens inloggningstjänst"),
             _l("Inloggad session (IP-adress, webbläsare) och inloggningar via OpenID Connect"),
             _l("Hålla en person inloggad och kunna logga ut hen"), _l("Säkerhet i behandlingen (GDPR art. 32)"),
             None, "days", 30, 30, _l("Sessionen eller inloggningen raderas"), _l("Inget")),
    Category("lms_uploads", _l("Uppladdade rapporter från lärplattformen"),
             _l("Filer från lärplattformen och förhandsgranskningar som inte bekräftats"),
             _l("Låta en administratör granska en import innan den sparas"), PUBLIC_TASK,
             "TRAINING_PREVIEW_HOURS", "hours", 24, 1, _l("Filen raderas"),
             _l("Importens härkomst: filnamn, kontrollsumma, antal rader, vem och när")),
    Category("lms_problem_rows", _l("Problemrader från importer"),
             _l("Identifierare (e-post, anställningsnummer) på rader som inte kunde matchas"),
             _l("Rätta matchningen mot katalogen efter en import"), PUBLIC_TASK,
             "RETENTION_LMS_PROBLEM_DAYS", "days", 365, 30,
             _l("Listan med problemrader tas bort från importen"), _l("Importens antal per utfall")),
    Category("leavers", _l("Personer som slutat"), _l("Namn, användarnamn, adresser, titel och chefskopplingar"),
             _l("Följa upp den obligatoriska utbildningen och visa historiska nyckeltal"),
             PUBLIC_TASK, "RETENTION_LEAVER_YEARS", "years", 2, 1,
             _l("Personen pseudonymiseras: namn, användarnamn, e-post, anställningsnummer, titel, katalog-id, "
             "chefskopplingar, roller, kalenderlänkar och undantagsskäl tas bort"),
             _l("Slutförda utbildningar, undantagens datum och enhet, så att tidigare nyckeltal och "
             "nämndrapporter är oförändrade")),
    Category("activity_replies", _l("Anmälningar och svar till aktiviteter"),
             _l("Anmälningar, väntelistor och kalendersvar till genomförda aktiviteter"),
             _l("Hantera platser och skicka kalenderinbjudningar; räkna deltagare till årets uppföljning"),
             PUBLIC_TASK, "RETENTION_REGISTRATION_MONTHS", "months", 6, 1,
             _l("Anmälningar och svar till aktiviteter under ett år raderas så många månader efter årets slut "
             "(efter årets uppföljningsrapport och nämndrapport)"),
             _l("Nyckeltalen som redan sparats för kvartalen")),
    Category("evidence_files", _l("Uppladdade underlag i revisionsuppföljningen"),
             _l("Filer som styrker en åtgärd (kan innehålla namn)"),
             _l("Styrka vad som gjorts med anledning av revisionens rekommendationer"),
             _l("Allmänt intresse (GDPR art. 6.1 e); arkivlagen och regionens gallringsbeslut"),
             "RETENTION_EVIDENCE_YEARS", "years", 5, 1,
             _l("Filen raderas när åtgärden den styrker är avslutad och så många år gått efter utgången av "
             "åtgärdens år (förfallodag, annars när den skapades)"),
             _l("Filnamn, kontrollsumma och länken till åtgärden")),
    Category("pulse_participants", _l("Vem som fått och svarat på en kännedomsmätning"),
             _l("Att personen fick en mätning och om hen har svarat (inte vad hen svarade)"),
             _l("Skicka länken och en påminnelse till dem som inte har svarat; ett svar per person"),
             PUBLIC_TASK, "RETENTION_PULSE_DAYS", "days", 30, 1,
             _l("Uppgiften om vem som fått och svarat raderas så många dagar efter att mätningen stängt"),
             _l("Svaren som räknare per fråga, rapportenhet och dag, utan koppling till någon person")),
)

BY_NAME = {c.name: c for c in CATEGORIES}


def periods(config) -> dict[str, int]:
    """Each category's period from the settings (or its default); refuses one below the minimum."""
    found = {}
    for c in CATEGORIES:
        value = config.get(c.setting, c.default) if c.setting else c.default
        if not isinstance(value, int) or value < c.minimum:
            raise ValueError(f"{c.setting} must be at least {c.minimum} {c.unit}, got {value!r}")
        found[c.name] = value
    return found


def period_delta(category: Category, amount: int) -> relativedelta | timedelta:
    if category.unit == "hours":
        return timedelta(hours=amount)
    if category.unit == "days":
        return timedelta(days=amount)
    if category.unit == "months":
        return relativedelta(months=amount)
    return relativedelta(years=amount)


def cutoff(category: Category, amount: int, now: datetime) -> datetime:
    """Items older than this are due (what "older" means is the category's: see privacy/purge.py)."""
    return now - period_delta(category, amount)


def describe_period(category: Category, amount: int) -> str:
    """"90 dagar", "2 år" in the UI's language (the record of processing is made in Swedish)."""
    if category.unit == "hours":
        return ngettext("%(num)s timme", "%(num)s timmar", amount)
    if category.unit == "days":
        return ngettext("%(num)s dag", "%(num)s dagar", amount)
    if category.unit == "months":
        return ngettext("%(num)s månad", "%(num)s månader", amount)
    return ngettext("%(num)s år", "%(num)s år", amount)

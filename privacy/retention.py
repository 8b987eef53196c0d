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


@dataclass(frozen=True)
class Category:
    #: Stable id, also the key in `retention run --json` ("mail_content").
    name: str
    #: What the category is, in Swedish.
    label: str
    #: Which data it covers (Swedish).
    data: str
    #: Why it is kept (Swedish).
    purpose: str
    #: The legal ground (Swedish, one line).
    legal_ground: str
    #: The setting that changes the period; None when the period is fixed in code.
    setting: str | None
    #: "hours", "days", "months" or "years".
    unit: str
    #: The default period.
    default: int
    #: The smallest period accepted (a setting below it, e.g. 0, is refused at start-up).
    minimum: int
    #: What happens at the end of the period (Swedish).
    end: str
    #: What is kept after the end (Swedish).
    kept: str


PUBLIC_TASK = "Allmänt intresse/myndighetsutövning (GDPR art. 6.1 e) och arbetsgivarens skyldighet " \
              "att arbeta systematiskt med informationssäkerhet"

CATEGORIES: tuple[Category, ...] = (
    Category("mail_content", "E-postens innehåll", "Brödtext och hela MIME-meddelandet i utkorgen",
             "Visa och felsöka skickade påminnelser och inbjudningar", PUBLIC_TASK,
             "RETENTION_MAIL_DAYS", "days", 90, 7,
             "Texten och MIME-meddelandet töms för skickade, misslyckade och stoppade meddelanden",
             "Mottagarens person-id, ämne, typ, status och datum (för statistiken)"),
    Category("audit_addresses", "IP-adresser och sökord i granskningsloggen",
             "Klientens IP-adress och fritextsökningar i granskningsloggen",
             "Utreda obehörig åtkomst till personuppgifter under en rimlig tid",
             "Säkerhet i behandlingen (GDPR art. 32), allmänt intresse (art. 6.1 e)",
             "RETENTION_AUDIT_IP_DAYS", "days", 180, 30,
             "IP-adressen tas bort och sökordet stryks ur händelsens detaljer", "Händelsen utan adress och sökord"),
    Category("audit_events", "Granskningsloggens händelser", "Vem som visade, exporterade eller ändrade personuppgifter",
             "Kunna visa vem som behandlat personuppgifter (ansvarsskyldighet)",
             "Ansvarsskyldighet och säkerhet (GDPR art. 5.2 och 32)",
             "RETENTION_AUDIT_YEARS", "years", 2, 1, "Händelsen raderas", "Inget"),
    Category("login_attempts", "Inloggningsförsök", "Angivet användarnamn, IP-adress, utfall och tid",
             "Begränsa gissning av lösenord", "Säkerhet i behandlingen (GDPR art. 32)",
             None, "days", 30, 30, "Försöket raderas", "Inget"),
    Category("sessions", "Sessioner och inloggningar via regionens inloggningstjänst",
             "Inloggad session (IP-adress, webbläsare) och inloggningar via OpenID Connect",
             "Hålla en person inloggad och kunna logga ut hen", "Säkerhet i behandlingen (GDPR art. 32)",
             None, "days", 30, 30, "Sessionen eller inloggningen raderas", "Inget"),
    Category("lms_uploads", "Uppladdade rapporter från lärplattformen",
             "Filer från lärplattformen och förhandsgranskningar som inte bekräftats",
             "Låta en administratör granska en import innan den sparas", PUBLIC_TASK,
             "TRAINING_PREVIEW_HOURS", "hours", 24, 1, "Filen raderas",
             "Importens härkomst: filnamn, kontrollsumma, antal rader, vem och när"),
    Category("lms_problem_rows", "Problemrader från importer",
             "Identifierare (e-post, anställningsnummer) på rader som inte kunde matchas",
             "Rätta matchningen mot katalogen efter en import", PUBLIC_TASK,
             "RETENTION_LMS_PROBLEM_DAYS", "days", 365, 30,
             "Listan med problemrader tas bort från importen", "Importens antal per utfall"),
    Category("leavers", "Personer som slutat", "Namn, användarnamn, adresser, titel och chefskopplingar",
             "Följa upp den obligatoriska utbildningen och visa historiska nyckeltal",
             PUBLIC_TASK, "RETENTION_LEAVER_YEARS", "years", 2, 1,
             "Personen pseudonymiseras: namn, användarnamn, e-post, anställningsnummer, titel, katalog-id, "
             "chefskopplingar, roller, kalenderlänkar och undantagsskäl tas bort",
             "Slutförda utbildningar, undantagens datum och enhet, så att tidigare nyckeltal och "
             "nämndrapporter är oförändrade"),
    Category("activity_replies", "Anmälningar och svar till aktiviteter",
             "Anmälningar, väntelistor och kalendersvar till genomförda aktiviteter",
             "Hantera platser och skicka kalenderinbjudningar; räkna deltagare till årets uppföljning",
             PUBLIC_TASK, "RETENTION_REGISTRATION_MONTHS", "months", 6, 1,
             "Anmälningar och svar till aktiviteter under ett år raderas så många månader efter årets slut "
             "(efter årets uppföljningsrapport och nämndrapport)",
             "Nyckeltalen som redan sparats för kvartalen"),
    Category("evidence_files", "Uppladdade underlag i revisionsuppföljningen",
             "Filer som styrker en åtgärd (kan innehålla namn)",
             "Styrka vad som gjorts med anledning av revisionens rekommendationer",
             "Allmänt intresse (GDPR art. 6.1 e); arkivlagen och regionens gallringsbeslut",
             "RETENTION_EVIDENCE_YEARS", "years", 5, 1,
             "Filen raderas när åtgärden den styrker är avslutad och så många år gått efter utgången av "
             "åtgärdens år (förfallodag, annars när den skapades)",
             "Filnamn, kontrollsumma och länken till åtgärden"),
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
    """"90 dagar", "2 år" (Swedish, for the pages and the record)."""
    words = {"hours": ("timme", "timmar"), "days": ("dag", "dagar"), "months": ("månad", "månader"), "years": ("år", "år")}[category.unit]
    return f"{amount} {words[0] if amount == 1 else words[1]}"

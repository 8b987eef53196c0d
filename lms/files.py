"""What an LMS report means: Swedish or English headers, the date formats and status
words the LMS uses, and `FileError` for a file that is not such a report. Reading the
bytes (CSV saved by Excel, UTF-8 with BOM, UTF-16 or Windows-1252, XLSX) is
`lms.reader`."""
from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from functools import lru_cache

FIELDS = ("employee_number", "username", "email", "name", "course", "status", "completed_at")
IDENTITY_FIELDS = ("employee_number", "username", "email")

_SYNONYMS = {
    "employee_number": ["anställningsnummer", "anställningsnr", "anst.nr", "anst nr", "anstnr", "personalnummer",
                        "employee number", "employee no", "employee id", "employeeid", "employeenumber",
                        "employee_number"],
    "username": ["användarnamn", "användar-id", "användarid", "inloggningsnamn", "username", "user name", "user id",
                 "userid", "login"],
    "email": ["e-post", "epost", "e-postadress", "epostadress", "mejl", "mail", "e-mail", "email", "email address",
              "e-mail address"],
    "name": ["namn", "fullständigt namn", "deltagare", "name", "full name", "participant"],
    "course": ["kurs", "kursnamn", "kurstitel", "utbildning", "course", "course name", "course title"],
    "status": ["status", "kursstatus", "slutförandestatus", "completion status", "course status"],
    "completed_at": ["slutförd", "slutfört", "slutförd datum", "slutförandedatum", "datum slutförd", "avklarad",
                     "genomförd", "klar", "completed", "completion date", "completed at", "completed on",
                     "date completed", "finished"],
}
HEADER_FIELD = {name: field for field, names in _SYNONYMS.items() for name in names}

COMPLETED, IN_PROGRESS, NOT_STARTED = "completed", "in_progress", "not_started"
_STATUS_WORDS = {
    COMPLETED: ["godkänd", "godkänt", "slutförd", "slutfört", "avklarad", "avklarat", "genomförd", "genomfört",
                "klar", "completed", "complete", "passed", "pass", "finished", "done"],
    IN_PROGRESS: ["påbörjad", "påbörjat", "pågår", "pågående", "startad", "ej slutförd", "inte slutförd",
                  "underkänd", "in progress", "started", "incomplete", "attempted", "failed"],
    NOT_STARTED: ["ej påbörjad", "ej påbörjat", "inte påbörjad", "ej startad", "registrerad", "anmäld", "tilldelad",
                  "not started", "not attempted", "enrolled", "assigned"],
}
STATUS_WORD = {word: status for status, words in _STATUS_WORDS.items() for word in words}

_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d.%m.%Y", "%d.%m.%Y %H:%M",
                 "%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y-%m-%d %H.%M", "%d-%m-%Y")


class FileError(Exception):
    """The file is not an LMS report. `code` picks the Swedish text in the UI."""

    def __init__(self, code: str, message: str, detail: str = ""):
        super().__init__(message)
        self.code, self.detail = code, detail


def normalise_header(text) -> str:
    text = str(text or "").replace("\ufeff", "").replace("\xa0", " ").strip().lower()
    return re.sub(r"\s+", " ", text).rstrip(":*").strip()


def find_columns(headers: list[str], mapping: dict | None, course_given: bool) -> dict[str, int]:
    """{field: column index}; a saved mapping's headers win over the built-in names."""
    normalised = [normalise_header(h) for h in headers]
    columns: dict[str, int] = {}
    for index, header in enumerate(normalised):
        field = HEADER_FIELD.get(header)
        if field and field not in columns:
            columns[field] = index
    for field, header in (mapping or {}).items():
        if field in FIELDS and header:
            wanted = normalise_header(header)
            if wanted not in normalised:
                raise FileError("mapping_mismatch", f"The saved mapping expects a column {header!r} the file lacks.",
                                str(header))
            columns[field] = normalised.index(wanted)
    if not any(f in columns for f in IDENTITY_FIELDS):
        raise FileError("wrong_columns", "The file has no column identifying people "
                        "(Anställningsnummer, Användarnamn or E-post).", ", ".join(headers)[:200])
    if "status" not in columns and "completed_at" not in columns:
        raise FileError("wrong_columns", "The file has neither a Status nor a Slutförd/Completed column.",
                        ", ".join(headers)[:200])
    if "course" not in columns and not course_given:
        raise FileError("no_course", "The file has no course column; say which course it is (--course).")
    return columns


def cell_text(value) -> str:
    """A cell as text; whole numbers from Excel lose their '.0'."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_status(value) -> str | None:
    """"completed", "in_progress", "not_started", "" (empty) or None (unknown word)."""
    text = re.sub(r"[\s_]+", " ", cell_text(value).lower())
    if not text:
        return ""
    return STATUS_WORD.get(text)


def parse_moment(value, tz: tzinfo) -> datetime | None:
    """An aware datetime from a cell (None if empty); ValueError if it cannot be read."""
    if value.__class__ is str:
        text = value.strip()
        if not text:
            return None
        naive = _parse_text(text)
        return naive.replace(tzinfo=tz) if naive.tzinfo is None else naive
    if value is None:
        return None
    if isinstance(value, datetime):
        naive = value
    elif isinstance(value, date):
        naive = datetime.combine(value, time())
    else:
        naive = _parse_text(cell_text(value))
    if naive.tzinfo is None:
        return naive.replace(tzinfo=tz)
    return naive


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> datetime:
    if not text:
        raise ValueError("empty")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(text)

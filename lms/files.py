"""Reading LMS report files: CSV saved by Excel (semicolon or comma; UTF-8 with BOM,
UTF-16 or Windows-1252), plain CSV and XLSX; Swedish or English headers; the date
formats and status words the LMS uses. Anything that is not such a report is refused
with a `FileError` before a single row is looked at."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
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
_MAGIC = [(b"\x89PNG", "an image"), (b"\xff\xd8\xff", "an image"), (b"GIF8", "an image"), (b"BM", None),
          (b"%PDF", "a PDF"), (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) file")]


class FileError(Exception):
    """The file is not an LMS report. `code` picks the Swedish text in the UI."""

    def __init__(self, code: str, message: str, detail: str = ""):
        super().__init__(message)
        self.code, self.detail = code, detail


@dataclass
class Table:
    headers: list[str]
    #: (spreadsheet row number, cells) for every non-empty data row.
    rows: list[tuple[int, list]]
    format: str
    encoding: str = ""
    delimiter: str = ""


def normalise_header(text) -> str:
    text = str(text or "").replace("\ufeff", "").replace("\xa0", " ").strip().lower()
    return re.sub(r"\s+", " ", text).rstrip(":*").strip()


def read_table(data: bytes, extra_headers: frozenset[str] = frozenset()) -> Table:
    """Decode the file into rows; refuses empty, binary and image files.

    `extra_headers` (normalised) also mark the header row (a saved mapping's headers).
    """
    if not data or not data.strip():
        raise FileError("empty", "The file is empty.")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, extra_headers)
    for magic, what in _MAGIC:
        if data.startswith(magic) and (what or b"\x00" in data[:64]):
            raise FileError("not_a_report", f"The file is {what or 'an image'}, not an LMS report (CSV or XLSX).")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _read_csv(data.decode("utf-16"), "utf-16", extra_headers)
    if b"\x00" in data[:8192]:
        raise FileError("not_a_report", "The file is binary, not an LMS report (CSV or XLSX).")
    if data.startswith(b"\xef\xbb\xbf"):
        return _read_csv(data[3:].decode("utf-8", errors="replace"), "utf-8-sig", extra_headers)
    try:
        return _read_csv(data.decode("utf-8"), "utf-8", extra_headers)
    except UnicodeDecodeError:
        return _read_csv(data.decode("cp1252", errors="replace"), "windows-1252", extra_headers)


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _read_csv(text: str, encoding: str, extra: frozenset[str]) -> Table:
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileError("not_a_report", f"The file cannot be read as CSV: {exc}.") from exc
    return _table(records, extra, "csv", encoding, delimiter)


def _read_xlsx(data: bytes, extra: frozenset[str]) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise FileError("not_a_report", "The file is a ZIP archive, not an XLSX workbook.")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        records = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
    except FileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileError("bad_xlsx", f"The XLSX file cannot be read ({type(exc).__name__}).") from exc
    return _table(records, extra, "xlsx")


def _table(records: list[list], extra: frozenset[str], fmt: str, encoding: str = "", delimiter: str = "") -> Table:
    """Find the header row (the first of the first ten rows naming known columns)."""
    for index, record in enumerate(records[:10]):
        names = {normalise_header(cell) for cell in record}
        known = ({HEADER_FIELD.get(n) for n in names} - {None}) | (names & extra)
        if len(known) >= 2:
            headers = ["" if c is None else str(c) for c in record]
            rows = [(index + 2 + n, list(r)) for n, r in enumerate(records[index + 1:]) if _has_data(r)]
            return Table(headers, rows, fmt, encoding, delimiter)
    sample = ", ".join(str(c) for c in (records[0] if records else [])[:8])
    raise FileError("wrong_columns", "No header row with known columns (e.g. Användarnamn/Username, Status, "
                    f"Slutförd/Completed) in the first ten rows. First row: {sample[:200]}", sample[:200])


def _has_data(record) -> bool:
    """False for the empty rows Excel leaves at the end (";;;;")."""
    try:
        return bool("".join(record).strip())
    except TypeError:  # XLSX cells: numbers, dates, None
        return any(c is not None and str(c).strip() for c in record)


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

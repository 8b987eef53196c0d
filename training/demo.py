"""Demo data for training: the "Säkert Beteende" course (2023 and 2024 versions), the
requirement due 30 November 2024, two LMS exports generated from Region Exempel, the
first one imported at `flask demo load`, and quarterly KPI snapshots for the trend.

The exports are committed under demo/data/ (regenerate with
`python -m training.demo`); a test checks they still match this generator. They hold the
reference dates (demo/dates.py); `flask demo load` moves every date by whole years to the
demo year of the day it runs, and a completion that then lies in the future is imported as
"Påbörjad" (not finished yet), so the demo always has people done, in progress, not started
and, once the due date has passed, overdue. The version names stay as the LMS writes them.
"""
from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from config import BASE_DIR
from demo import dates
from demo.region import DemoPerson, build_region
from extensions import db
from lms import importer
from models import utcnow
from training import operations, snapshots

DATA_DIR = BASE_DIR / "demo" / "data"
EXPORT_1 = DATA_DIR / "kompetensportalen-export.csv"
EXPORT_2 = DATA_DIR / "kompetensportalen-export-2.csv"
V2023, V2024 = "Säkert Beteende 2023", "Säkert Beteende 2024"
#: Share of each enhet that has done the 2024 version by the first export (some ~95 %, some < 40 %).
RATES = {
    "Säkerhetsenheten": 1.0, "IT-avdelningen": 0.95, "Kommunikationsavdelningen": 0.9, "HR-avdelningen": 0.85,
    "Ekonomi": 0.8, "Kansliet": 0.75, "Primärvården": 0.7, "Medicinkliniken": 0.65, "Kirurgkliniken": 0.55,
    "Akutkliniken": 0.5, "Folkhögskolan": 0.45, "Psykiatrin": 0.35, "Fastighet": 0.3, "Kulturenheten": 0.25,
}
FIRST_EXPORT_DAY = date(2025, 6, 30)
SECOND_EXPORT_DAY = date(2025, 11, 28)
HEADER = ["Anställningsnummer", "Användarnamn", "E-post", "Namn", "Avdelning", "Kurs", "Status", "Slutförd"]


def _moment(rng: random.Random, start: date, end: date) -> datetime:
    day = start + timedelta(days=rng.randrange((end - start).days + 1))
    return datetime(day.year, day.month, day.day, rng.randrange(7, 17), rng.randrange(60))


def _events(person: DemoPerson, rng: random.Random) -> list[tuple[str, str, datetime | None]]:
    """What the LMS knows about one person: (version, status, completion time)."""
    unit = person.unit_path[1] if len(person.unit_path) > 1 else "Säkerhetsenheten"
    rate = RATES.get(unit, 0.6)
    events: list[tuple[str, str, datetime | None]] = []
    if rng.random() < 0.75:
        events.append((V2023, "Godkänd", _moment(rng, date(2023, 9, 4), date(2024, 6, 28))))
    roll = rng.random()
    if roll < rate:
        early = rate >= 0.9 or rng.random() < 0.8
        end = date(2024, 11, 29) if early else date(2025, 11, 20)
        events.append((V2024, "Godkänd", _moment(rng, date(2024, 9, 16), end)))
    elif roll < rate + 0.15:
        events.append((V2024, "Påbörjad", None))
    else:
        events.append((V2024, "Ej påbörjad", None))
    if person.username == "anstalld":  # the demo employee: not started before the due date, overdue after it
        return [(V2024, "Ej påbörjad", None)]
    return events


def export_rows(as_of: date, seed: int = 2024) -> list[list]:
    """The LMS report as of `as_of`: one row per person and version the LMS knows of."""
    rng = random.Random(seed)
    _units, people = build_region()
    rows = []
    for person in people:
        unit = person.unit_path[-1] if person.unit_path else ""
        for version, status, moment in _events(person, rng):
            if moment is not None and moment.date() > as_of:
                status, moment = "Påbörjad", None  # not finished yet on the export day
            rows.append([person.employee_number, person.username, person.email or "", person.display_name, unit,
                         version, status, moment])
    return rows


def render_export_1() -> bytes:
    """Excel in a Swedish locale: semicolons, Windows-1252, CRLF, dates like 2024-09-15 14:03."""
    lines = [";".join(HEADER)]
    for row in export_rows(FIRST_EXPORT_DAY):
        moment = row[7].strftime("%Y-%m-%d %H:%M") if row[7] else ""
        lines.append(";".join(row[:7] + [moment]))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def render_export_2() -> bytes:
    """A later export saved as UTF-8 with BOM and day-first dates, with rows to fix by hand."""
    lines = [";".join(HEADER)]
    for row in export_rows(SECOND_EXPORT_DAY):
        moment = row[7].strftime("%d/%m/%Y %H:%M") if row[7] else ""
        lines.append(";".join(row[:7] + [moment]))
    lines += [
        "999999;nyanstalld;ny.person@regionexempel.example;Ny Person;Servicedesk;Säkert Beteende 2024;Godkänd;02/10/2025 10:15",
        lines[1],  # the same row twice
        "100002;;;;Akutmottagningen;Säkert Beteende 2024;Godkänd;31/09/2025 08:00",
        "100003;;;;Akutmottagningen;Säkert Beteende 2024;Underkänd i quiz;",
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def write_exports(directory: Path = DATA_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / EXPORT_1.name).write_bytes(render_export_1())
    (directory / EXPORT_2.name).write_bytes(render_export_2())


_YEAR_FIRST = re.compile(r"^(\d{4})(-\d{2}-\d{2} \d{2}:\d{2})$")


def shifted_export(data: bytes, today: date) -> bytes:
    """A committed export (cp1252, year-first dates) as it would look on `today`: every
    completion moved by whole years to the demo year, one after `today` not finished yet."""
    lines = data.decode("cp1252").split("\r\n")
    out = lines[:1]
    for line in lines[1:]:
        cells = line.split(";")
        match = _YEAR_FIRST.match(cells[-1]) if len(cells) == len(HEADER) else None
        if match:
            moment = dates.shift(datetime.strptime(cells[-1], "%Y-%m-%d %H:%M"), today)
            if moment.date() > today:
                cells[-2:] = ["Påbörjad", ""]
            else:
                cells[-1] = moment.strftime("%Y-%m-%d %H:%M")
        out.append(";".join(cells))
    return "\r\n".join(out).encode("cp1252")


def _setup(today: date) -> None:
    course = operations.ensure_course("SB", "Säkert Beteende", duration_minutes=30).obj
    operations.ensure_version(course, V2023, dates.shift(date(2023, 9, 1), today))
    v2024 = operations.ensure_version(course, V2024, dates.shift(date(2024, 9, 15), today)).obj
    due = dates.shift(date(2024, 11, 30), today)
    operations.ensure_requirement(course, operations.RequirementSpec(
        name="Säkert Beteende för all personal", due_on=due, new_starter_days=30,
        current_version_id=v2024.id, transition_on=due,
    ))
    db.session.flush()


def load_demo_training() -> dict:
    """Idempotent: the course setup is "ensure", the export is imported once (by its hash)."""
    today = utcnow().date()
    _setup(today)
    data = shifted_export(EXPORT_1.read_bytes(), today)
    result = None
    if importer.imports_of(importer.hashlib.sha256(data).hexdigest()) == 0:
        result = importer.import_file(data, EXPORT_1.name, source="demo", now=utcnow())
        if not result.ok:
            raise RuntimeError(f"demo export refused: {result.error}")
    for day in snapshots.quarter_ends(dates.shift(date(2023, 9, 1), today), today - timedelta(days=1)):
        snapshots.take_snapshots(snapshots.end_of_day(day), kind="quarter")
    db.session.commit()
    from training import freshness

    freshness.run_pending(utcnow())
    return {"imported": result.imported if result else 0}


if __name__ == "__main__":
    write_exports()
    print(f"wrote {EXPORT_1} and {EXPORT_2}")

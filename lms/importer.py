"""Importing an LMS report: all or nothing, idempotent, statuses only move forward.

Every row ends up in exactly one bucket: imported (a new completion or a first start),
unchanged (already known, not newer, or "not started"), unmatched, ambiguous,
duplicate (repeats an earlier row of the file) or invalid (unreadable status, date or
course). Problem rows never block the good ones unless the import is strict.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import bindparam, func, insert, select

import audit
from extensions import db
from lms import files, reader
from lms.files import COMPLETED, IN_PROGRESS, NOT_STARTED, FileError
from lms.matching import AMBIGUOUS, UNMATCHED, PersonIndex
from lms.results import ImportResult
from main.i18n import local_tz
from models import Completion, Course, CourseVersion, ImportBatch, Person
from models.base import FastUTCText, bulk_read, fast_utc, table_of


@dataclass
class _Versions:
    by_name: dict[str, CourseVersion]
    course: Course | None
    memo: dict = field(default_factory=dict)

    @classmethod
    def load(cls, course: Course | None) -> _Versions:
        by_name: dict[str, CourseVersion] = {}
        for version in db.session.scalars(select(CourseVersion).order_by(CourseVersion.published_on)):
            by_name.setdefault(version.name.lower(), version)
            by_name[version.lms_name.lower()] = version
        return cls(by_name, course)

    def resolve(self, course_text: str, moment: datetime | None, tz) -> tuple[CourseVersion | None, str, str]:
        """(version, problem code, value): from the course column, else by date within the course."""
        if course_text:
            key = ("course", course_text)
            if key not in self.memo:
                self.memo[key] = self._by_course(course_text)
            return self.memo[key]
        return self._by_date(moment, tz)

    def _by_course(self, course_text: str) -> tuple[CourseVersion | None, str, str]:
        if course_text:
            version = self.by_name.get(course_text.strip().lower())
            if version is None:
                return None, "unknown_course", course_text
            if self.course is not None and version.course_id != self.course.id:
                return None, "other_course", course_text
            return version, "", ""
        return None, "unknown_course", ""

    def _by_date(self, moment: datetime | None, tz) -> tuple[CourseVersion | None, str, str]:
        if self.course is None:
            return None, "unknown_course", ""
        day = moment.astimezone(tz).date() if moment else None
        candidates = [v for v in self.course.versions if day is None or v.published_on <= day]
        if not candidates:
            return None, "no_version", day.isoformat() if day else ""
        return candidates[-1], "", ""


class _Row:
    """One data row: its cells in `files.FIELDS` order (None for an absent column)."""

    __slots__ = ("number", "ids", "raw_name", "course", "status", "raw_date")

    def __init__(self, number: int, cells: list):
        text = files.cell_text
        # Inlined for plain strings (every CSV cell): this runs once per row of big files.
        e, u, m, self.raw_name, c, self.status, self.raw_date = cells
        self.ids = (e.strip() if e.__class__ is str else text(e), u.strip() if u.__class__ is str else text(u),
                    m.strip() if m.__class__ is str else text(m))
        self.number = number
        self.course = c.strip() if c.__class__ is str else text(c)

    @property
    def name(self) -> str:
        return files.cell_text(self.raw_name)

    def identifier(self) -> str:
        return next((v for v in self.ids if v), "")


def import_file(data: bytes, filename: str, *, course: Course | None = None, mapping: dict | None = None,
                mapping_id: int | None = None, dry_run: bool = False, strict: bool = False,
                actor: Person | None = None, source: str = "cli", now: datetime | None = None) -> ImportResult:
    """Import one LMS report. Writes (unless dry run or refused) without committing."""
    now = now or datetime.now(timezone.utc)
    result = ImportResult(dry_run=dry_run, filename=filename, sha256=hashlib.sha256(data).hexdigest())
    try:
        limit = current_app.config["TRAINING_IMPORT_MAX_MB"] * 1024 * 1024
        if len(data) > limit:
            raise FileError("too_large", f"The file is {len(data) // (1024 * 1024)} MB; the limit is "
                            f"{limit // (1024 * 1024)} MB.")
        extra = frozenset(files.normalise_header(h) for h in (mapping or {}).values() if h)
        table = reader.read_table(
            data, extra, pick=lambda headers: files.find_columns(headers, mapping, course_given=course is not None),
            max_rows=current_app.config["TRAINING_IMPORT_MAX_ROWS"])
    except FileError as exc:
        result.ok, result.error = False, exc
        return result
    result.rows = len(table.rows)
    new_rows = _classify(table, _Versions.load(course), result, now)
    if strict and result.problems:
        result.ok, result.imported, result.unchanged = False, 0, 0  # refused: nothing imported
    elif not dry_run:
        _write(result, new_rows, data, course, mapping_id, strict, actor, source, now)
    return result


def _classify(table: reader.Table, versions: _Versions, result: ImportResult, now: datetime) -> list[tuple]:
    """Sort every row into its bucket; returns the completions to insert."""
    tz, index = local_tz(), PersonIndex()
    parsed = []
    for number, cells in table.rows:
        row = _Row(number, cells)
        outcome = _parse_row(row, versions, index, tz, now)
        if isinstance(outcome, tuple) and outcome[0] == "problem":
            _problem(result, row, *outcome[1:])
        else:
            parsed.append((row, outcome))
    known = _known(result, {o[1] for _r, o in parsed})
    new_rows, seen = [], set()
    done_in_file = {(o[0], o[1]) for _r, o in parsed if o[2] == COMPLETED}
    for row, (pid, vid, state, moment) in parsed:
        key = (pid, vid, state, moment)
        if key in seen:
            _problem(result, row, "duplicate", "duplicate", "")
            continue
        seen.add(key)
        if state == NOT_STARTED or _is_known(known, pid, vid, state, moment, done_in_file):
            result.unchanged += 1
            continue
        known[(pid, vid, IN_PROGRESS)] = True  # a second start for the same version adds nothing
        result.imported += 1
        new_rows.append((pid, vid, state, moment))
    return new_rows


_STATUS_CACHE: dict = {}
_TOMORROW = timedelta(days=1)


def _status(raw) -> str | None:
    """`files.parse_status`, remembered: a report repeats a handful of status words."""
    try:
        return _STATUS_CACHE[raw]
    except KeyError:
        _STATUS_CACHE[raw] = value = files.parse_status(raw)
        return value
    except TypeError:  # an unhashable cell value
        return files.parse_status(raw)


def _parse_row(row: _Row, versions: _Versions, index: PersonIndex, tz, now: datetime):
    ids = row.ids
    if not (ids[0] or ids[1] or ids[2]):
        return ("problem", "invalid", "no_identifier", "")
    status = _status(row.status)
    if status is None:
        return ("problem", "invalid", "unknown_status", files.cell_text(row.status))
    try:
        moment = files.parse_moment(row.raw_date, tz)
    except ValueError:
        return ("problem", "invalid", "bad_date", files.cell_text(row.raw_date))
    if status == "":
        status = COMPLETED if moment else NOT_STARTED
    if status == COMPLETED:
        if moment is None:
            return ("problem", "invalid", "missing_date", "")
        local_day = moment.date()
        moment = moment.astimezone(timezone.utc)
        if moment > now + _TOMORROW:
            return ("problem", "invalid", "future_date", local_day.isoformat())
        if local_day.year < 2000:
            return ("problem", "invalid", "old_date", local_day.isoformat())
    version, code, value = versions.resolve(row.course, moment if status == COMPLETED else now, tz)
    if version is None:
        return ("problem", "invalid", code, value)
    match = index.match(*row.ids)
    if match.outcome in (UNMATCHED, AMBIGUOUS):
        return ("problem", match.outcome, match.outcome, row.identifier())
    return (match.person_id, version.id, status, moment if status == COMPLETED else None)


def _problem(result: ImportResult, row: _Row, kind: str, code: str, value: str) -> None:
    entry = {"row": row.number, "kind": kind, "code": code, "value": value,
             "identifier": row.identifier(), "name": row.name, "course": row.course}
    result.problems.append(entry)
    if kind == "invalid":
        result.invalid.append(entry)
    else:
        {"unmatched": result.unmatched, "ambiguous": result.ambiguous, "duplicate": result.duplicates}[kind].append(
            row.number)


def _known(result: ImportResult, version_ids: set[int]) -> dict:
    """What the database already holds for these versions: {(pid, vid, time or state): True}."""
    known: dict = {}
    if not version_ids:
        return known
    rows = bulk_read(db.session, select(Completion.person_id, Completion.version_id, Completion.state,
                                        fast_utc(Completion.completed_at)).where(Completion.version_id.in_(version_ids)))
    for pid, vid, state, moment in rows:
        known[(pid, vid, moment if state == COMPLETED else IN_PROGRESS)] = True
        if state == COMPLETED:
            known[(pid, vid, COMPLETED)] = True
    return known


def _is_known(known: dict, pid, vid, state, moment, done_in_file) -> bool:
    if state == COMPLETED:
        return (pid, vid, moment) in known
    # A start never moves a person backward: ignored once they completed the version.
    return (pid, vid, IN_PROGRESS) in known or (pid, vid, COMPLETED) in known or (pid, vid) in done_in_file


def _write(result: ImportResult, new_rows: list[tuple], data: bytes, course, mapping_id, strict, actor, source,
           now) -> None:
    counts = {k: len(getattr(result, k)) for k in ("unmatched", "ambiguous", "duplicates", "invalid")}
    batch = ImportBatch(
        created_at=now, created_by_id=actor.id if actor else None, source=source, filename=result.filename[:300],
        sha256=result.sha256, size_bytes=len(data), course_id=course.id if course else None,
        mapping_id=mapping_id, strict=strict, rows=result.rows, imported=result.imported,
        unchanged=result.unchanged, problems=result.problems, **counts,
        # An import that added nothing is on record but is never "the newest import" for undo.
        status="imported" if new_rows else "unchanged",
    )
    db.session.add(batch)
    db.session.flush()
    result.batch_id = batch.id
    result.person_ids = {row[0] for row in new_rows}
    stmt = insert(table_of(Completion))
    if db.session.get_bind().dialect.name == "sqlite":  # the same stored text, without per-value processing
        stmt = stmt.values(completed_at=bindparam("completed_at", type_=FastUTCText()),
                           recorded_at=bindparam("recorded_at", type_=FastUTCText()))
    for i in range(0, len(new_rows), 5000):
        chunk = [{"person_id": pid, "version_id": vid, "state": state, "completed_at": moment, "source": "import",
                  "batch_id": batch.id, "recorded_at": now} for pid, vid, state, moment in new_rows[i:i + 5000]]
        db.session.execute(stmt, chunk)
    audit.record("training.import", "import", batch.id,
                 {"file": result.filename[:200], "sha256": result.sha256, "rows": result.rows,
                  "imported": result.imported, **counts},
                 actor_id=actor.id if actor else None, commit=False)


def imports_of(sha256: str) -> int:
    """How many imports (in force, or that changed nothing) there were of a file with this hash."""
    return db.session.scalar(select(func.count()).select_from(ImportBatch).where(
        ImportBatch.sha256 == sha256, ImportBatch.status.in_(("imported", "unchanged")))) or 0

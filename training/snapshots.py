"""KPI snapshots: counts per unit on a date, kept so history survives leavers and
reorganisations; the trend chart and the yearly board report are built from them."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, insert, select

from extensions import db
from main.i18n import local_tz
from models import KpiSnapshot, Person, Requirement, Unit
from models.base import bulk_read
from training import facts
from training.status import STATES, Counts, local_date

NO_UNIT = {"key": "", "name": "(ingen enhet)"}


def quarter_ends(start: date, end: date) -> list[date]:
    """Every quarter's last day from `start` to `end`, inclusive."""
    result: list[date] = []
    year, quarter = start.year, (start.month - 1) // 3
    while True:
        month = quarter * 3 + 3
        last = (date(year + (month // 12), month % 12 + 1, 1) - timedelta(days=1))
        if last > end:
            return result
        if last >= start:
            result.append(last)
        quarter += 1
        if quarter == 4:
            year, quarter = year + 1, 0


def end_of_day(day: date) -> datetime:
    """23:59:59 local time on `day`, as an aware datetime."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=local_tz())


def take_snapshots(now: datetime, kind: str = "manual") -> int:
    """Snapshot every active requirement per unit as of `now` (replacing that day's); returns rows written."""
    written = 0
    for requirement in facts.active_requirements():
        written += snapshot_requirement(requirement, now, kind)
    return written


def snapshot_requirement(requirement: Requirement, now: datetime, kind: str) -> int:
    day = local_date(now, local_tz())
    statuses = facts.statuses(requirement, now)
    unit_of: dict[int, int | None] = {
        pid: uid for pid, uid in bulk_read(db.session, select(Person.id, Person.unit_id).where(Person.active.is_(True)))}
    per_unit: dict[int | None, Counts] = defaultdict(Counts)
    for pid, status in statuses.items():
        per_unit[unit_of.get(pid)].add(status.state)
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    rows = []
    for uid, counts in per_unit.items():
        unit = units.get(uid) if uid is not None else None
        top = units.get(int(unit.path.strip("/").split("/")[0])) if unit and unit.path.strip("/") else unit
        rows.append({
            "taken_on": day, "taken_at": now, "kind": kind, "requirement_id": requirement.id,
            "unit_id": uid if unit else None, "unit_key": unit.key if unit else NO_UNIT["key"],
            "unit_name": unit.name if unit else NO_UNIT["name"],
            "top_unit_key": top.key if top else NO_UNIT["key"], "top_unit_name": top.name if top else NO_UNIT["name"],
            **{s: getattr(counts, s) for s in STATES}, "required": counts.required,
        })
    db.session.execute(delete(KpiSnapshot).where(KpiSnapshot.requirement_id == requirement.id,
                                                 KpiSnapshot.taken_on == day))
    if rows:
        db.session.execute(insert(KpiSnapshot), rows)
    return len(rows)


def _counts(row: KpiSnapshot) -> Counts:
    return Counts(**{s: getattr(row, s) for s in STATES})


def trend(requirement: Requirement, unit_ids: set[int] | None = None) -> list[tuple[date, Counts]]:
    """Totals per snapshot day (optionally only for units in `unit_ids`), oldest first."""
    by_day: dict[date, Counts] = defaultdict(Counts)
    for row in db.session.scalars(select(KpiSnapshot).where(KpiSnapshot.requirement_id == requirement.id)):
        if unit_ids is None or row.unit_id in unit_ids:
            by_day[row.taken_on].merge(_counts(row))
    return sorted(by_day.items())


@dataclass
class BoardReport:
    year: int
    #: The snapshot day used for each quarter (the last one taken in it), or None.
    days: list[date | None]
    #: [(förvaltning name, [counts per quarter or None])]
    rows: list[tuple[str, list[Counts | None]]]
    totals: list[Counts | None]

    @property
    def has_data(self) -> bool:
        return any(self.days)


def board_report(requirement: Requirement, year: int, top_unit_keys: set[str] | None = None) -> BoardReport:
    """Per förvaltning (as named at the time) and quarter of `year`, from the snapshots
    (only the förvaltningar with a key in `top_unit_keys`, if given: one board's report)."""
    stmt = select(KpiSnapshot).where(
        KpiSnapshot.requirement_id == requirement.id,
        KpiSnapshot.taken_on >= date(year, 1, 1), KpiSnapshot.taken_on <= date(year, 12, 31))
    if top_unit_keys is not None:
        stmt = stmt.where(KpiSnapshot.top_unit_key.in_(sorted(top_unit_keys)))
    snaps = db.session.scalars(stmt).all()
    days: list[date | None] = [None] * 4
    for s in snaps:
        q = (s.taken_on.month - 1) // 3
        latest = days[q]
        if latest is None or s.taken_on > latest:
            days[q] = s.taken_on
    table: dict[str, list[Counts | None]] = defaultdict(lambda: [None] * 4)
    totals: list[Counts | None] = [Counts() if d else None for d in days]
    for s in snaps:
        q = (s.taken_on.month - 1) // 3
        if s.taken_on != days[q]:
            continue
        cell = table[s.top_unit_name][q] or Counts()
        cell.merge(_counts(s))
        table[s.top_unit_name][q] = cell
        total = totals[q]
        if total is not None:  # a quarter with a snapshot day has a total
            total.merge(_counts(s))
    rows = sorted(table.items(), key=lambda kv: kv[0])
    return BoardReport(year, days, rows, totals)


def snapshot_years(requirement: Requirement) -> list[int]:
    days = db.session.scalars(select(KpiSnapshot.taken_on).where(
        KpiSnapshot.requirement_id == requirement.id).distinct()).all()
    return sorted({d.year for d in days}, reverse=True)

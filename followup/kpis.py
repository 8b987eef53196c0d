"""KPIs of the follow-up: the standard set, recording computed values per quarter (by the
scheduler, catching up once), values entered by admins, and the series for the charts.
Every change of a recorded value is kept in the history. Callers commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from extensions import db
from followup import history
from followup.kpi_sources import SOURCES
from followup.operations import FollowupError
from followup.quarters import is_quarter_end, previous_quarter_end
from main.i18n import local_tz
from models import Kpi, KpiValue, Person
from training.snapshots import end_of_day

#: (source or None for manual, name, unit, target, description) – names are the KPIs' identity.
STANDARD = [
    ("training_completed_share", "Andel som genomfört Säkert Beteende", "%", 90.0,
     "Andel av dem som omfattas av kravet (undantagna räknas inte) som har genomfört en version som gäller, "
     "vid kvartalets slut."),
    ("training_overdue", "Försenade med Säkert Beteende", "st", 0.0,
     "Antal personer som passerat sista datum utan att ha genomfört kursen, vid kvartalets slut."),
    ("awareness_activities_held", "Genomförda aktiviteter under informationssäkerhetsmånaden", "st", 10.0,
     "Aktiviteter (ej inställda) i kampanjer som omfattar oktober, som avslutats under kvartalet."),
    ("awareness_registrations", "Anmälningar till informationssäkerhetsmånadens aktiviteter", "st", None,
     "Anmälningar till de genomförda aktiviteterna under kvartalet."),
    ("plan_messages_sent", "Skickade meddelanden i kommunikationsplanen", "st", None,
     "Meddelanden som skickats eller publicerats under kvartalet, per kanal."),
    ("pulse_share_right", "Andel som känner till riktlinjerna (kännedomsmätning)", "%", 80.0,
     "Andel rätta svar på flervalsfrågorna i den senaste kännedomsmätningen som stängt under kvartalet, "
     "hela regionen."),
    ("apt_coverage", "Andel enheter som tagit upp säkerhet på APT", "%", 90.0,
     "Andel av de enheter i målgruppen för kvartalets APT-material (med sista datum under kvartalet) "
     "vars chef eller ställföreträdare kvitterat att materialet presenterats på APT."),
    (None, "Rapporterade personuppgiftsincidenter", "st", None,
     "Personuppgiftsincidenter som rapporterats under kvartalet (förs in för hand)."),
    (None, "Infosäkkollen inskickad", "st", 1.0,
     "Den nationella självskattningen Infosäkkollen: 1 om den skickats in under året, annars 0 "
     "(förs in för hand)."),
]


def ensure_standard_kpis() -> int:
    """Create the standard KPIs that are missing (by name or source); returns how many were added."""
    existing = db.session.execute(select(Kpi.name, Kpi.source)).all()
    names, sources = {n for n, _s in existing}, {s for _n, s in existing if s}
    added = 0
    for position, (source, name, unit, target, description) in enumerate(STANDARD):
        if name in names or (source and source in sources):
            continue
        db.session.add(Kpi(name=name, source=source, unit=unit, target=target, description=description,
                           position=position))
        added += 1
    db.session.flush()
    return added


def kpis() -> list[Kpi]:
    return list(db.session.scalars(select(Kpi).order_by(Kpi.position, Kpi.name)))


def value_for(kpi: Kpi, period_end: date) -> KpiValue | None:
    return db.session.scalar(select(KpiValue).where(KpiValue.kpi_id == kpi.id, KpiValue.period_end == period_end))


def _put(kpi: Kpi, period_end: date, values: dict, origin: str, actor: Person | None, now: datetime) -> KpiValue:
    """Insert or change a value; changes of value, target and note go to the history."""
    actor_id = actor.id if actor is not None else None
    row = value_for(kpi, period_end)
    if row is None:
        row = KpiValue(kpi_id=kpi.id, period_end=period_end, origin=origin, recorded_at=now, recorded_by_id=actor_id,
                       breakdown=values.pop("breakdown", None), **values)
        db.session.add(row)
        db.session.flush()
        history.log("kpi_value", row.id, "created", "", row.value, actor_id=actor_id, at=now)
        return row
    breakdown = values.pop("breakdown", row.breakdown)
    if history.apply(row, "kpi_value", values, actor_id=actor_id, at=now) or breakdown != row.breakdown:
        row.breakdown, row.origin, row.recorded_at, row.recorded_by_id = breakdown, origin, now, actor_id
    return row


def record_computed(kpi: Kpi, period_end: date, now: datetime, actor: Person | None = None) -> KpiValue | None:
    """Compute a KPI for a quarter as of its last moment (or now, if earlier) and save it."""
    if kpi.source not in SOURCES:
        raise FollowupError("bad_kind")
    if not is_quarter_end(period_end):
        raise FollowupError("bad_period", "period_end")
    moment = min(end_of_day(period_end), now)
    computed = SOURCES[kpi.source](period_end, moment)
    if computed.value is None:
        return None
    existing = value_for(kpi, period_end)
    target = existing.target if existing is not None else kpi.target
    return _put(kpi, period_end, {"value": round(computed.value, 1), "target": target, "note": computed.note,
                                  "breakdown": computed.breakdown}, "computed", actor, now)


def set_manual_value(kpi: Kpi, period_end: date, value: float, target: float | None, note: str,
                     actor: Person | None, now: datetime) -> KpiValue:
    """An admin's value for a KPI that is entered by hand."""
    if kpi.source is not None:
        raise FollowupError("computed_kpi", "value")
    if not is_quarter_end(period_end):
        raise FollowupError("bad_period", "period_end")
    return _put(kpi, period_end, {"value": value, "target": target, "note": (note or "").strip()}, "manual",
                actor, now)


def due_quarter(now: datetime) -> date:
    """The latest quarter that has ended by `now` (local time)."""
    return previous_quarter_end(now.astimezone(local_tz()).date())


def record_due(now: datetime) -> list[str]:
    """Scheduler: the computed KPIs missing a value for the latest ended quarter get one.

    Polled, so a quarter end passed while the scheduler was down is caught up once, on the
    next run; quarters before that are not back-filled (values computed long after would
    not be what was known then – `flask followup kpis record --quarter` does it on purpose).
    """
    ensure_standard_kpis()
    quarter = due_quarter(now)
    recorded = []
    for kpi in kpis():
        if kpi.source and value_for(kpi, quarter) is None and record_computed(kpi, quarter, now) is not None:
            recorded.append(kpi.source)
    return recorded


@dataclass
class KpiData:
    name: str
    unit: str = "st"
    target: float | None = None
    description: str = ""


def save_kpi(data: KpiData, kpi: Kpi | None = None) -> Kpi:
    name = (data.name or "").strip()
    if not name:
        raise FollowupError("title_required", "name")
    clash = db.session.scalar(select(Kpi).where(Kpi.name == name))
    if clash is not None and clash is not kpi:
        raise FollowupError("duplicate_kpi", "name")
    if kpi is None:
        kpi = Kpi(position=100 + len(kpis()))
        db.session.add(kpi)
    kpi.name, kpi.unit, kpi.target, kpi.description = name, (data.unit or "st").strip()[:20], data.target, \
        (data.description or "").strip()
    db.session.flush()
    return kpi


def values_until(kpi: Kpi, last: date | None = None) -> list[KpiValue]:
    """The KPI's values for quarters ending on or before `last` (all if None), oldest first."""
    stmt = select(KpiValue).where(KpiValue.kpi_id == kpi.id).order_by(KpiValue.period_end)
    if last is not None:
        stmt = stmt.where(KpiValue.period_end <= last)
    return list(db.session.scalars(stmt))

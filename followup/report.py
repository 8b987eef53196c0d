"""The follow-up report as of a date: per recommendation the actions taken so far, the
planned actions, their timeline and other remarks, plus a KPI table – all as they stood at
the end of that day. Later changes are undone from the history; actions, recommendations
and evidence added later are left out; KPI values are those of quarters ended by then.

The result is plain data; the page, the DOCX and the PDF are drawn from the same object.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from followup import awareness, history, kpis, labels
from followup.quarters import is_quarter_end, previous_quarter_end
from followup.quarters import label as quarter_label
from main.i18n import local_tz
from models import Action, AuditReport, Evidence, Kpi, KpiValue, Person, Recommendation
from training.snapshots import end_of_day

#: Quarters shown in the KPI table (the latest ones ended by the report date).
KPI_QUARTERS = 4


@dataclass
class ActionLine:
    id: int
    title: str
    description: str
    owner: str
    due_on: date | None
    status: str
    postponed_reason: str
    #: When it was done (for taken actions).
    done_on: date | None
    evidence: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(labels.ACTION_STATUSES.get(self.status, self.status))


@dataclass
class Section:
    number: int
    text: str
    taken: list[ActionLine]
    planned: list[ActionLine]
    remarks: list[str]
    #: The pulse and APT figures, under the recommendation they answer (followup/awareness.py).
    awareness: awareness.Awareness | None = None

    @property
    def timeline(self) -> list[ActionLine]:
        """The planned actions by due date (those without one last)."""
        return sorted(self.planned, key=lambda a: (a.due_on is None, a.due_on or date.max, a.title))


@dataclass
class KpiLine:
    name: str
    unit: str
    #: Value per quarter of `FollowupReport.quarters` (None = none recorded).
    values: list[float | None]
    target: float | None


@dataclass
class FollowupReport:
    report_id: int
    title: str
    auditor: str
    issued_on: date | None
    as_of: date
    sections: list[Section]
    quarters: list[date]
    kpis: list[KpiLine]

    @property
    def quarter_labels(self) -> list[str]:
        return [quarter_label(q) for q in self.quarters]


def _evidence(action_ids: list[int], moment: datetime) -> dict[int, list[str]]:
    rows = db.session.scalars(select(Evidence).where(
        Evidence.action_id.in_(action_ids), Evidence.created_at <= moment,
        (Evidence.removed_at.is_(None)) | (Evidence.removed_at > moment)).order_by(Evidence.id)).all()
    found: dict[int, list[str]] = {}
    for e in rows:
        text = f"{e.label} ({e.url})" if e.kind == "url" and e.url != e.label else e.label
        found.setdefault(e.action_id, []).append(f"{labels.EVIDENCE_KINDS[e.kind]}: {text}")
    return found


def _lines(actions: list[Action], moment: datetime) -> dict[int, tuple[int, ActionLine]]:
    """{action id: (recommendation id then, line as of moment)}."""
    then = history.as_of("action", actions, moment)
    evidence = _evidence([a.id for a in actions], moment)
    owner_ids = {v["owner_id"] for v in then.values() if v["owner_id"]}
    names = {p.id: p.name for p in db.session.scalars(select(Person).where(Person.id.in_(owner_ids)))}
    tz, result = local_tz(), {}
    for action in actions:
        v = then[action.id]
        done_on = None
        if v["status"] == "done":
            at = history.first_time(action.id, "status", "done", moment) or action.created_at
            done_on = at.astimezone(tz).date()
        result[action.id] = (v["recommendation_id"], ActionLine(
            action.id, v["title"], v["description"], names.get(v["owner_id"], ""), v["due_on"], v["status"],
            v["postponed_reason"], done_on, evidence.get(action.id, [])))
    return result


def _kpi_table(as_of: date) -> tuple[list[date], list[KpiLine]]:
    last = as_of if is_quarter_end(as_of) else previous_quarter_end(as_of)
    rows: list[tuple[Kpi, dict[date, KpiValue]]] = []
    periods: set[date] = set()
    for kpi in kpis.kpis():
        values = kpis.values_until(kpi, last)
        periods.update(v.period_end for v in values)
        rows.append((kpi, {v.period_end: v for v in values}))
    quarters = sorted(periods)[-KPI_QUARTERS:]
    lines = []
    for kpi, by_period in rows:
        latest = by_period[max(by_period)] if by_period else None
        target = latest.target if latest is not None else kpi.target
        lines.append(KpiLine(kpi.name, kpi.unit, [by_period[q].value if q in by_period else None for q in quarters],
                             target))
    return quarters, lines


def build(report: AuditReport, as_of: date) -> FollowupReport:
    """The report as it stood at the end of `as_of` (local time)."""
    moment = end_of_day(as_of)
    recs = [r for r in db.session.scalars(select(Recommendation).where(
        Recommendation.report_id == report.id, Recommendation.created_at <= moment))]
    recs_then = history.as_of("recommendation", recs, moment)
    actions = list(db.session.scalars(select(Action).join(Recommendation).where(
        Recommendation.report_id == report.id, Action.created_at <= moment).order_by(Action.id)))
    lines = _lines(actions, moment)
    sections = []
    for rec in sorted(recs, key=lambda r: (recs_then[r.id]["number"], r.id)):
        mine = [line for rec_id, line in lines.values() if rec_id == rec.id]
        remarks = [recs_then[rec.id]["remarks"]] if recs_then[rec.id]["remarks"] else []
        remarks += [_("”%(title)s” är uppskjuten: %(reason)s", title=a.title, reason=a.postponed_reason)
                    for a in mine if a.status == "postponed"]
        number = recs_then[rec.id]["number"]
        sections.append(Section(number, recs_then[rec.id]["text"], [a for a in mine if a.status == "done"],
                                [a for a in mine if a.status != "done"], remarks,
                                awareness.build(as_of, moment) if awareness.applies_to(number) else None))
    quarters, kpi_lines = _kpi_table(as_of)
    return FollowupReport(report.id, report.title, report.auditor, report.issued_on, as_of, sections, quarters,
                          kpi_lines)


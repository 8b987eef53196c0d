"""Evidence for the recommendation about making the guidelines known (the auditors' second):
the latest pulse results and the latest APT coverage as they stood on the report's date.

Which recommendation: the one numbered FOLLOWUP_AWARENESS_RECOMMENDATION (2, as in the
auditors' report; 0 = none), in each report. Figures are those of the latest pulse closed by
the date (share right per question, answers, for the region: the same merged results the
pulse page shows) and of the latest APT material whose deadline had passed by then (units
confirmed by then, per förvaltning). Neither: no evidence block.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from apt import queries as apt_queries
from apt.materials import all_materials as apt_materials
from extensions import db
from main.i18n import local_tz
from models.pulse import Pulse
from pulse import queries as pulse_queries
from pulse import results as pulse_results


@dataclass
class QuestionFigure:
    position: int
    text: str
    #: "choice" (value = share right in %) or "scale" (value = mean 1–5).
    kind: str
    value: float | None


@dataclass
class PulseFigures:
    title: str
    closes_on: date
    asked: int
    answers: int
    #: The region's share right over the single-choice questions (the KPI's value).
    share_right: float | None
    questions: list[QuestionFigure] = field(default_factory=list)


@dataclass
class AptGroupFigure:
    #: The förvaltning ("" = outside any).
    name: str
    confirmed: int
    expected: int
    percent: float


@dataclass
class AptFigures:
    title: str
    deadline: date
    confirmed: int
    expected: int
    groups: list[AptGroupFigure] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return round(100 * self.confirmed / self.expected, 1) if self.expected else 0.0


@dataclass
class Awareness:
    pulse: PulseFigures | None
    apt: AptFigures | None


def applies_to(number: int) -> bool:
    wanted = current_app.config["FOLLOWUP_AWARENESS_RECOMMENDATION"]
    return bool(wanted) and number == wanted


def _pulse(as_of: date) -> PulseFigures | None:
    pulse = db.session.scalar(select(Pulse).where(Pulse.closes_on <= as_of)
                              .order_by(Pulse.closes_on.desc(), Pulse.id.desc()).limit(1))
    if pulse is None or not pulse.questions:
        return None
    rows = pulse_results.report(pulse, _("Hela regionen"), _("Övriga i %(unit)s"))
    region = rows[0] if rows else None
    asked, _answered = pulse_queries.response_counts(pulse.id)
    questions = [QuestionFigure(r.question.position, r.question.text_sv, r.question.kind, r.value)
                 for r in (region.questions if region else [])]
    return PulseFigures(pulse.title_sv, pulse.closes_on, asked, region.answers if region else 0,
                        pulse_results.region_share_right(pulse), questions)


def _apt(moment: datetime) -> AptFigures | None:
    due = [m for m in apt_materials() if m.deadline <= moment]
    if not due:
        return None
    material = due[0]  # latest deadline first
    groups = apt_queries.coverage(material, until=moment)
    figures = AptFigures(material.title, material.deadline.astimezone(local_tz()).date(),
                         sum(g.confirmed for g in groups), sum(len(g.expected) for g in groups))
    figures.groups = [AptGroupFigure(g.top.name if g.top else "", g.confirmed, len(g.expected), g.percent)
                      for g in groups]
    return figures


def build(as_of: date, moment: datetime) -> Awareness | None:
    """The evidence as it stood at `moment` (the end of `as_of`); None when there is none."""
    found = Awareness(_pulse(as_of), _apt(moment))
    return found if found.pulse or found.apt else None

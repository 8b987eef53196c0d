"""Results of a pulse: per question the share right and the distribution, for the region, each
förvaltning and each unit with enough answers (pulse/grouping.py), the trend against earlier
pulses that asked the same question, and the CSV export."""
from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import Unit
from models.pulse import Pulse, PulseQuestion, PulseTally
from pulse.grouping import Group, groups
from pulse.rules import option_count


@dataclass
class QuestionResult:
    question: PulseQuestion
    #: Count per option.
    distribution: list[int]
    #: Share right in per cent (choice), or the mean 1–5 (scale); None without answers.
    value: float | None


@dataclass
class Row:
    label: str
    depth: int
    answers: int
    questions: list[QuestionResult]


def _tallies(pulse_id: int) -> dict[int | None, Counter]:
    own: dict[int | None, Counter] = {}
    rows = db.session.execute(select(PulseTally.unit_id, PulseTally.question_id, PulseTally.choice,
                                     func.sum(PulseTally.count))
                              .where(PulseTally.pulse_id == pulse_id)
                              .group_by(PulseTally.unit_id, PulseTally.question_id, PulseTally.choice)).all()
    for unit_id, question_id, choice, count in rows:
        own.setdefault(unit_id or None, Counter())[(question_id, choice)] += int(count)
    return own


def _question_result(question: PulseQuestion, counts: Counter) -> QuestionResult:
    distribution = [counts.get((question.id, i), 0) for i in range(option_count(question.kind, question.options))]
    total = sum(distribution)
    if not total:
        return QuestionResult(question, distribution, None)
    if question.kind == "choice":
        right = distribution[question.correct] if question.correct is not None else 0  # the rules require one
        return QuestionResult(question, distribution, round(100 * right / total, 1))
    return QuestionResult(question, distribution, round(sum((i + 1) * n for i, n in enumerate(distribution)) / total, 2))


def report(pulse: Pulse, region_label: str, rest_label: str) -> list[Row]:
    """Rows for the result page and the export, region first."""
    own = _tallies(pulse.id)
    first = pulse.questions[0].id
    answers = {unit: sum(n for (qid, _c), n in counts.items() if qid == first) for unit, counts in own.items()}
    units = _units_up_to(set(u for u in own if u is not None))
    parent = {u.id: u.parent_id for u in units.values()}
    rows = []
    for group in groups(own, answers, parent, current_app.config["PULSE_MIN_GROUP"]):
        rows.append(Row(_label(group, units, region_label, rest_label), group.depth, group.answers,
                        [_question_result(q, group.counts) for q in pulse.questions]))
    return rows


def _units_up_to(unit_ids: set[int]) -> dict[int, Unit]:
    """The units answers were counted under and every unit above them."""
    wanted = set(unit_ids)
    for path in db.session.scalars(select(Unit.path).where(Unit.id.in_(unit_ids))):
        wanted.update(int(part) for part in path.split("/") if part)
    return {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(wanted)))}


def _label(group: Group, units: dict[int, Unit], region_label: str, rest_label: str) -> str:
    name = units[group.unit_id].name if group.unit_id in units else region_label
    return rest_label % {"unit": name} if group.rest else name


def trend(pulse: Pulse) -> list[tuple[str, list[tuple[Pulse, float | None]]]]:
    """Per question key: the region's share right in every pulse (up to this one) that asked it."""
    out = []
    for question in pulse.questions:
        if question.kind != "choice":
            continue
        earlier = db.session.scalars(select(PulseQuestion).join(Pulse).where(
            PulseQuestion.key == question.key, Pulse.opens_on <= pulse.opens_on).order_by(Pulse.opens_on)).all()
        points = []
        for other in earlier:
            counts = Counter({(other.id, c): int(n) for c, n in db.session.execute(
                select(PulseTally.choice, func.sum(PulseTally.count)).where(PulseTally.question_id == other.id)
                .group_by(PulseTally.choice))})
            points.append((other.pulse, _question_result(other, counts).value))
        out.append((question.key, points))
    return out


def region_share_right(pulse: Pulse) -> float | None:
    """The region's share right over every choice question of the pulse (the KPI value), in per cent."""
    rights = total = 0
    for question in pulse.questions:
        if question.kind != "choice":
            continue
        for choice, count in db.session.execute(select(PulseTally.choice, func.sum(PulseTally.count))
                                                .where(PulseTally.question_id == question.id)
                                                .group_by(PulseTally.choice)):
            total += int(count)
            rights += int(count) if choice == question.correct else 0
    return round(100 * rights / total, 1) if total else None


def to_csv(pulse: Pulse, rows: list[Row]) -> str:
    """One line per report row and question: unit, answers, question key, share right/mean, distribution."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["enhet", "nivå", "antal svar", "fråga", "nyckel", "andel rätt (%) / medel", "fördelning"])
    for row in rows:
        for result in row.questions:
            value = "" if result.value is None else str(result.value).replace(".", ",")
            writer.writerow([row.label, row.depth, row.answers, result.question.position, result.question.key,
                             value, " | ".join(str(n) for n in result.distribution)])
    return "\ufeff" + buffer.getvalue()

"""Pure rules of a pulse: its state on a day, what a valid pulse is, and where an answer is counted."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from models.pulse import PULSE_AUDIENCES, QUESTION_KINDS

MIN_QUESTIONS, MAX_QUESTIONS = 3, 10
#: Agreement scale: five steps.
SCALE_STEPS = 5

PLANNED, OPEN, CLOSED = "planned", "open", "closed"


class PulseError(ValueError):
    """A pulse or an answer that cannot be saved; `code` names the reason (labels in pulse/labels.py)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass
class QuestionSpec:
    key: str
    kind: str
    text_sv: str
    text_en: str = ""
    options_sv: list[str] = field(default_factory=list)
    options_en: list[str] = field(default_factory=list)
    correct: int | None = None
    explanation_sv: str = ""
    explanation_en: str = ""


@dataclass
class PulseSpec:
    title_sv: str
    opens_on: date
    closes_on: date
    questions: list[QuestionSpec]
    title_en: str = ""
    audience: str = "all"
    unit_ids: list[int] = field(default_factory=list)


def state(opens_on: date, closes_on: date, today: date) -> str:
    """"planned" before the opening day, "open" through the closing day, then "closed"."""
    if today < opens_on:
        return PLANNED
    return OPEN if today <= closes_on else CLOSED


def validate(spec: PulseSpec) -> None:
    """Raise PulseError for the first thing wrong with a new pulse."""
    if not spec.title_sv.strip():
        raise PulseError("title")
    if spec.closes_on < spec.opens_on:
        raise PulseError("dates")
    if spec.audience not in PULSE_AUDIENCES or (spec.audience == "units" and not spec.unit_ids):
        raise PulseError("audience")
    if not MIN_QUESTIONS <= len(spec.questions) <= MAX_QUESTIONS:
        raise PulseError("question_count")
    keys = [q.key for q in spec.questions]
    if len(set(keys)) != len(keys) or not all(k.strip() for k in keys):
        raise PulseError("keys")
    for n, question in enumerate(spec.questions, start=1):
        _validate_question(question, n)


def _validate_question(question: QuestionSpec, n: int) -> None:
    if question.kind not in QUESTION_KINDS or not question.text_sv.strip():
        raise PulseError("question", str(n))
    if question.kind == "scale":
        return
    if not 2 <= len(question.options_sv) <= 6:
        raise PulseError("options", str(n))
    if question.options_en and len(question.options_en) != len(question.options_sv):
        raise PulseError("options_en", str(n))
    if question.correct is None or not 0 <= question.correct < len(question.options_sv):
        raise PulseError("correct", str(n))


def option_count(kind: str, options: list) -> int:
    return SCALE_STEPS if kind == "scale" else len(options)


def reporting_unit(path: str | None, level: int) -> int:
    """The unit an answer is counted under: the ancestor at `level` on the unit's path ("/3/17/42/"),
    or the unit itself when it is higher up; 0 for a person without a unit."""
    ids = [int(part) for part in (path or "").split("/") if part]
    if not ids:
        return 0
    return ids[min(level, len(ids) - 1)]

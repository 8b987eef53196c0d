"""Pulse quizzes (kännedomsmätning): the questions, who was asked and has answered, and what was answered.

Privacy by construction: "who" and "what" live in separate tables that share nothing but the
pulse. `PulseParticipant` says that a person was asked and has answered (for the reminder and
the one-answer rule), with no time. `PulseTally` holds what was answered as counters per
question, choice, reporting unit and day: there is no row per answer, so no id, order or time
of a row can lead back to a person, and no column names a person.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow

#: Question kinds: single choice with one right option, or a 1–5 agreement scale (no right answer).
QUESTION_KINDS = ("choice", "scale")
#: Audience kinds, the same as the plan messages' (campaign.audience.resolve).
PULSE_AUDIENCES = ("all", "units", "managers", "not_done")


class Pulse(Base):
    """A short quiz sent to an audience between an opening and a closing day."""

    __tablename__ = "pulse"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Title in Swedish.
    title_sv: Mapped[str] = mapped_column(String(200))
    #: Title in English.
    title_en: Mapped[str] = mapped_column(String(200), default="")
    #: Audience kind: "all", "units", "managers" or "not_done" (as a plan message).
    audience: Mapped[str] = mapped_column(String(20), default="all")
    #: The chosen units (ids) for "units", or the narrowing for "managers"/"not_done".
    unit_ids: Mapped[list] = mapped_column(JSON, default=list)
    #: First day people may answer (local date); the invitations go out that day.
    opens_on: Mapped[date] = mapped_column(Date)
    #: Last day people may answer (local date, inclusive).
    closes_on: Mapped[date] = mapped_column(Date)
    #: When the audience was fixed and the invitations queued (None = not yet opened).
    invited_at: Mapped[datetime | None]
    #: When the one reminder was queued to those who had not answered.
    reminded_at: Mapped[datetime | None]
    #: Who created it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: Row creation time.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The communication-plan item (a plan message on the PULSE_PLAN_CHANNEL) that plans it, if any.
    plan_message_id: Mapped[int | None] = mapped_column(ForeignKey("plan_message.id", ondelete="SET NULL"),
                                                        unique=True)

    questions: Mapped[list[PulseQuestion]] = relationship(
        back_populates="pulse", order_by="PulseQuestion.position", cascade="all, delete-orphan")

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_sv


class PulseQuestion(Base):
    """One question of a pulse."""

    __tablename__ = "pulse_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The pulse.
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulse.id", ondelete="CASCADE"), index=True)
    #: Order in the form, from 1.
    position: Mapped[int] = mapped_column(Integer)
    #: Stable key of the question across pulses ("klassning-1"): the trend compares the same key.
    key: Mapped[str] = mapped_column(String(80), index=True)
    #: "choice" (one right option) or "scale" (1–5 agreement).
    kind: Mapped[str] = mapped_column(String(10))
    #: The question in Swedish.
    text_sv: Mapped[str] = mapped_column(Text)
    #: The question in English.
    text_en: Mapped[str] = mapped_column(Text, default="")
    #: Options for "choice": a list of {"sv": …, "en": …}; empty for "scale".
    options: Mapped[list] = mapped_column(JSON, default=list)
    #: Index (from 0) of the right option for "choice"; None for "scale".
    correct: Mapped[int | None] = mapped_column(Integer)
    #: Explanation shown after answering, Swedish.
    explanation_sv: Mapped[str] = mapped_column(Text, default="")
    #: Explanation shown after answering, English.
    explanation_en: Mapped[str] = mapped_column(Text, default="")

    pulse: Mapped[Pulse] = relationship(back_populates="questions")

    __table_args__ = (UniqueConstraint("pulse_id", "position", name="uq_pulse_question_position"),)

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" and self.text_en else self.text_sv

    def explanation(self, locale: str) -> str:
        return self.explanation_en if locale == "en" and self.explanation_en else self.explanation_sv

    def option_texts(self, locale: str) -> list[str]:
        if self.kind == "scale":
            return ["1", "2", "3", "4", "5"]
        return [(o.get("en") if locale == "en" and o.get("en") else o.get("sv", "")) for o in self.options]


class PulseParticipant(Base):
    """WHO: a person asked to answer a pulse, and whether they have. No time, nothing answered."""

    __tablename__ = "pulse_participant"

    #: The pulse.
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulse.id", ondelete="CASCADE"), primary_key=True)
    #: The person asked (the only person reference of a pulse's data).
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)
    #: True once the person has answered (the answer itself is in pulse_tally, unlinked).
    answered: Mapped[bool] = mapped_column(Boolean, default=False)


class PulseTally(Base):
    """WHAT: how many chose an option of a question, per reporting unit and day. No person, no order."""

    __tablename__ = "pulse_tally"

    #: The pulse.
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulse.id", ondelete="CASCADE"), primary_key=True)
    #: The question.
    question_id: Mapped[int] = mapped_column(ForeignKey("pulse_question.id", ondelete="CASCADE"),
                                             primary_key=True)
    #: The option chosen (index from 0; for a scale 0..4 means 1..5).
    choice: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The answerer's unit lifted to the reporting level (PULSE_REPORT_LEVEL); 0 = no unit.
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The local day of the answers (never finer).
    answered_on: Mapped[date] = mapped_column(Date, primary_key=True)
    #: How many answered so.
    count: Mapped[int] = mapped_column(Integer, default=0)

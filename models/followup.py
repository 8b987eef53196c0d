"""Audit follow-up: audit reports, their recommendations and the actions answering them,
evidence and uploaded documents, the change history, KPIs with quarterly values, and the
boards (nämnder) with their förvaltningar for the yearly report.

Only the security unit (admins) reads or writes any of this.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, one_of, utcnow
from models.directory import Person, Unit

#: Action statuses; "postponed" needs a reason.
ACTION_STATUSES = ("planned", "in_progress", "done", "postponed")
#: What an evidence link points at.
EVIDENCE_KINDS = ("activity", "message", "requirement", "document", "url")
#: Where a KPI's quarterly values come from (None = entered by hand).
KPI_SOURCES = ("training_completed_share", "training_overdue", "awareness_activities_held", "awareness_registrations",
               "plan_messages_sent", "pulse_share_right", "apt_coverage")


class AuditReport(Base):
    """An audit report, e.g. "Granskning av informationssäkerhet" by the region's auditors."""

    __tablename__ = "followup_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Title of the report.
    title: Mapped[str] = mapped_column(String(300), unique=True)
    #: Who wrote it ("Regionens revisorer, PwC").
    auditor: Mapped[str] = mapped_column(String(300), default="")
    #: The date of the report.
    issued_on: Mapped[date | None] = mapped_column(Date)
    #: When the board's answer is due (shown in the årshjul), if known.
    answer_due_on: Mapped[date | None] = mapped_column(Date)
    #: Summary or scope of the audit (plain text).
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Row creation time.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="report", order_by="Recommendation.number", cascade="all, delete-orphan")


class Recommendation(Base):
    """One recommendation of an audit report, answered by actions."""

    __tablename__ = "followup_recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The report.
    report_id: Mapped[int] = mapped_column(ForeignKey("followup_report.id", ondelete="CASCADE"), index=True)
    #: Order within the report (1, 2, …).
    number: Mapped[int] = mapped_column(Integer, default=1)
    #: The recommendation as the auditors wrote it.
    text: Mapped[str] = mapped_column(Text)
    #: "Övriga synpunkter" of the answer (plain text); changes are kept in the history.
    remarks: Mapped[str] = mapped_column(Text, default="")
    #: Row creation time (a report as of an earlier date leaves it out).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[AuditReport] = relationship(back_populates="recommendations")
    actions: Mapped[list[Action]] = relationship(
        back_populates="recommendation", order_by="Action.id", cascade="all, delete-orphan")


class Action(Base):
    """An action taken or planned for a recommendation. Every field change goes to ChangeLog."""

    __tablename__ = "followup_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The recommendation it answers.
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("followup_recommendation.id", ondelete="CASCADE"), index=True)
    #: Short title ("Säkert Beteende blir obligatorisk").
    title: Mapped[str] = mapped_column(String(300))
    #: What is done or planned, in the words used in the board's answer.
    description: Mapped[str] = mapped_column(Text, default="")
    #: Who is responsible.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    #: When it should be done.
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: planned, in_progress, done or postponed (ACTION_STATUSES); done = a taken action.
    status: Mapped[str] = mapped_column(String(12), default="planned")
    #: Why it was postponed (required while postponed).
    postponed_reason: Mapped[str] = mapped_column(Text, default="")
    #: Row creation time (a report as of an earlier date leaves the action out).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who created it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    recommendation: Mapped[Recommendation] = relationship(back_populates="actions")
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="action", order_by="Evidence.id", cascade="all, delete-orphan")
    comments: Mapped[list[Comment]] = relationship(
        back_populates="action", order_by="Comment.id", cascade="all, delete-orphan")

    __table_args__ = (one_of("status", ACTION_STATUSES),)


class Document(Base):
    """An uploaded evidence file, stored under instance/uploads with a random name."""

    __tablename__ = "followup_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The file's name as uploaded (shown, never used as a path).
    original_name: Mapped[str] = mapped_column(String(300))
    #: Random file name under the upload directory.
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    #: The type the content was recognised as ("pdf", "docx", "xlsx", "png", "jpeg").
    file_type: Mapped[str] = mapped_column(String(10))
    #: Size in bytes.
    size_bytes: Mapped[int] = mapped_column(Integer)
    #: SHA-256 of the content (hex).
    sha256: Mapped[str] = mapped_column(String(64))
    #: Who uploaded it.
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: When.
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When retention removed the file (the row and its checksum are kept); None while held.
    file_removed_at: Mapped[datetime | None]


class Evidence(Base):
    """A link from an action to what shows it: an activity, a plan message, a course
    requirement, an uploaded document or a URL. Removing one only stamps `removed_at`."""

    __tablename__ = "followup_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The action.
    action_id: Mapped[int] = mapped_column(ForeignKey("followup_action.id", ondelete="CASCADE"), index=True)
    #: activity, message, requirement, document or url (EVIDENCE_KINDS).
    kind: Mapped[str] = mapped_column(String(12))
    #: The campaign activity (kind activity).
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_activity.id", ondelete="SET NULL"))
    #: The plan message (kind message).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("plan_message.id", ondelete="SET NULL"))
    #: The course requirement (kind requirement).
    requirement_id: Mapped[int | None] = mapped_column(ForeignKey("training_requirement.id"))
    #: The uploaded file (kind document).
    document_id: Mapped[int | None] = mapped_column(ForeignKey("followup_document.id"))
    #: The address (kind url), http or https only.
    url: Mapped[str] = mapped_column(String(1000), default="")
    #: What the link shows, as written in the report ("Kommunikationsplan 2024, version 1").
    label: Mapped[str] = mapped_column(String(300), default="")
    #: When it was added.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who added it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: When it was removed (None while it counts).
    removed_at: Mapped[datetime | None]

    action: Mapped[Action] = relationship(back_populates="evidence")
    document: Mapped[Document | None] = relationship()

    __table_args__ = (one_of("kind", EVIDENCE_KINDS),)


class Comment(Base):
    """A comment on an action (append-only)."""

    __tablename__ = "followup_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The action.
    action_id: Mapped[int] = mapped_column(ForeignKey("followup_action.id", ondelete="CASCADE"), index=True)
    #: Who wrote it.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: When.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The comment (plain text).
    text: Mapped[str] = mapped_column(Text)

    action: Mapped[Action] = relationship(back_populates="comments")
    author: Mapped[Person | None] = relationship()


class ChangeLog(Base):
    """One changed field: who, when, which field of which row, old and new value (as text).

    The follow-up report as of a date undoes the later changes from the current values.
    """

    __tablename__ = "followup_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "action", "recommendation", "evidence" or "kpi_value".
    entity: Mapped[str] = mapped_column(String(20))
    #: The changed row's id.
    entity_id: Mapped[int] = mapped_column(Integer)
    #: The action the change belongs to (for its history list); None for other rows.
    action_id: Mapped[int | None] = mapped_column(ForeignKey("followup_action.id", ondelete="CASCADE"))
    #: The field ("status", "due_on", …; "created" / "removed" for whole rows).
    field: Mapped[str] = mapped_column(String(40))
    #: Value before (text; "" for none).
    old_value: Mapped[str] = mapped_column(Text, default="")
    #: Value after.
    new_value: Mapped[str] = mapped_column(Text, default="")
    #: When.
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who (None for the scheduler or the CLI).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    actor: Mapped[Person | None] = relationship()

    __table_args__ = (
        Index("ix_followup_change_entity", "entity", "entity_id", "at"),
        Index("ix_followup_change_action", "action_id", "at"),
    )


class Kpi(Base):
    """A named measure followed per quarter, computed from the data or entered by hand."""

    __tablename__ = "followup_kpi"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Name shown in the report ("Andel som genomfört Säkert Beteende").
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: What it measures and how.
    description: Mapped[str] = mapped_column(Text, default="")
    #: Unit shown after values ("%", "st").
    unit: Mapped[str] = mapped_column(String(20), default="st")
    #: The computation (KPI_SOURCES) or None for a KPI entered by admins.
    source: Mapped[str | None] = mapped_column(String(40), unique=True)
    #: Target value for coming quarters (copied to each value when recorded).
    target: Mapped[float | None] = mapped_column(Float)
    #: Order in lists and the report.
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Row creation time.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    values: Mapped[list[KpiValue]] = relationship(
        back_populates="kpi", order_by="KpiValue.period_end", cascade="all, delete-orphan")


class KpiValue(Base):
    """A KPI's value for one quarter (its last day), with the target then."""

    __tablename__ = "followup_kpi_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The KPI.
    kpi_id: Mapped[int] = mapped_column(ForeignKey("followup_kpi.id", ondelete="CASCADE"))
    #: Last day of the quarter the value is for.
    period_end: Mapped[date] = mapped_column(Date)
    #: The value.
    value: Mapped[float] = mapped_column(Float)
    #: The target for that quarter (None = no target).
    target: Mapped[float | None] = mapped_column(Float)
    #: Parts of the value (plan messages per channel: {"e-post": 4, …}).
    breakdown: Mapped[dict | None] = mapped_column(JSON)
    #: A remark ("Anmälningar finns inte i Vaksam ännu").
    note: Mapped[str] = mapped_column(Text, default="")
    #: "computed" (scheduler or CLI) or "manual" (an admin).
    origin: Mapped[str] = mapped_column(String(10), default="manual")
    #: When it was recorded or last changed.
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who recorded it (None for the scheduler).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    kpi: Mapped[Kpi] = relationship(back_populates="values")

    __table_args__ = (Index("uq_followup_kpi_value_kpi_period", "kpi_id", "period_end", unique=True),)


class Board(Base):
    """A board (nämnd) that gets a yearly report on the mandatory course for its förvaltningar."""

    __tablename__ = "followup_board"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Name ("Hälso- och sjukvårdsnämnden").
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Month (1-12) of the yearly report to the board (shown in the årshjul).
    report_month: Mapped[int | None] = mapped_column(Integer)
    #: Row creation time.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    units: Mapped[list[Unit]] = relationship(secondary="followup_board_unit", order_by="Unit.name",
                                             lazy="selectin")


class BoardUnit(Base):
    """A förvaltning (top-level unit) reporting to a board."""

    __tablename__ = "followup_board_unit"

    #: The board.
    board_id: Mapped[int] = mapped_column(ForeignKey("followup_board.id", ondelete="CASCADE"), primary_key=True)
    #: The förvaltning; one board each.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True, unique=True)

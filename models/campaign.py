"""Campaigns (the October awareness month), their activities, and the communication plan.

Times are stored in UTC; they are entered and shown in the region's time zone.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, one_of, utcnow
from models.directory import Person, Unit

#: The four themes of the 2024 awareness month, offered as defaults for a new campaign.
THEMES_2024 = ("Säkert Beteende", "Informationsklassning", "Registerförteckning",
               "Säker hantering av den egna arbetsdatorn")

#: Kinds of activity (keys; the UI labels are in campaign/labels.py).
ACTIVITY_KINDS = ("lecture", "webinar", "apt", "quiz", "stand")
#: planned → confirmed, either → cancelled.
ACTIVITY_STATUSES = ("planned", "confirmed", "cancelled")

#: Plan message workflow (campaign/workflow.py has the allowed moves).
MESSAGE_STATUSES = ("draft", "review", "approved", "scheduled", "sent", "published", "failed", "cancelled")
#: Who a plan message is for.
AUDIENCES = ("all", "units", "managers", "not_done")

activity_unit = Table(
    "campaign_activity_unit",
    Base.metadata,
    Column("activity_id", ForeignKey("campaign_activity.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id"), primary_key=True, index=True),
)

plan_message_unit = Table(
    "plan_message_unit",
    Base.metadata,
    Column("message_id", ForeignKey("plan_message.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id"), primary_key=True, index=True),
)


class Campaign(Base):
    """A campaign such as "Informationssäkerhetsmånaden oktober 2024"."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Name shown everywhere; unique, so a double-clicked "create" or "copy" makes one campaign.
    title: Mapped[str] = mapped_column(String(200), unique=True)
    #: First day of the campaign (local date).
    starts_on: Mapped[date] = mapped_column(Date)
    #: Last day of the campaign (local date, inclusive).
    ends_on: Mapped[date] = mapped_column(Date)
    #: What the campaign wants to achieve (free text).
    goals: Mapped[str] = mapped_column(Text, default="")
    #: The campaign's themes (list of names); every activity has one of them.
    themes: Mapped[list] = mapped_column(JSON, default=list)
    #: Who is responsible for the campaign.
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: The campaign this one was copied from (year copy), if any.
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    #: Row creation time.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Last change.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[Person] = relationship()
    activities: Mapped[list[Activity]] = relationship(
        back_populates="campaign", order_by="Activity.starts_at", cascade="all, delete-orphan"
    )


class Activity(Base):
    """A lecture, webinar, APT presentation, quiz or stand in a campaign (feeds calendar invites)."""

    __tablename__ = "campaign_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The campaign it belongs to.
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    #: Stable iCalendar UID ("…@vaksam"); never changes, so invites update the same event.
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    #: iCalendar SEQUENCE: bumped on every significant change (time, place, title, status).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: Title ("Lunchföreläsning: Klassa din information").
    title: Mapped[str] = mapped_column(String(200))
    #: Longer description (plain text).
    description: Mapped[str] = mapped_column(Text, default="")
    #: One of the campaign's themes.
    theme: Mapped[str] = mapped_column(String(200))
    #: lecture, webinar, apt, quiz or stand (ACTIVITY_KINDS).
    kind: Mapped[str] = mapped_column(String(20))
    #: Start (UTC).
    starts_at: Mapped[datetime] = mapped_column(index=True)
    #: End (UTC), after the start.
    ends_at: Mapped[datetime]
    #: Room or address, "" when online only.
    place: Mapped[str] = mapped_column(String(300), default="")
    #: Link to the online meeting, "" when on site only.
    online_url: Mapped[str] = mapped_column(String(500), default="")
    #: True when the whole region is invited; else the units in `units` (with their subtrees).
    whole_region: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Maximum number of participants; None for no limit.
    capacity: Mapped[int | None] = mapped_column(Integer)
    #: Who organises it.
    organiser_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: planned, confirmed or cancelled (ACTIVITY_STATUSES).
    status: Mapped[str] = mapped_column(String(12), default="planned")
    #: One-time token of the form that created it, so a double-clicked submit creates one row.
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Row creation time.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Last change.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: Whole days: starts_at/ends_at are local midnights (the end exclusive), shown without times.
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    #: iCalendar RRULE value ("FREQ=WEEKLY;BYDAY=TU;COUNT=4"); "" for a single occurrence.
    rrule: Mapped[str] = mapped_column(String(300), default="")
    #: Cancelled occurrences of a series: their original local start times (ISO, no zone).
    exdates: Mapped[list] = mapped_column(JSON, default=list)
    #: Moved occurrences: [{"recurrence_id": original local start (ISO), "starts_at": …, "ends_at": … (UTC ISO)}].
    overrides: Mapped[list] = mapped_column(JSON, default=list)

    campaign: Mapped[Campaign] = relationship(back_populates="activities")
    organiser: Mapped[Person] = relationship()
    units: Mapped[list[Unit]] = relationship(secondary=activity_unit, order_by="Unit.name")

    __table_args__ = (
        one_of("kind", ACTIVITY_KINDS),
        one_of("status", ACTIVITY_STATUSES),
    )


class PlanMessage(Base):
    """One message in the communication plan: what, to whom, in which channel, when, by whom."""

    __tablename__ = "plan_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The campaign it is part of; None for the year-round plan.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"), index=True)
    #: Title; the subject line for e-mail. May contain placeholders.
    title: Mapped[str] = mapped_column(String(200))
    #: Body as Markdown (rendered to sanitised HTML and plain text when shown or sent).
    body: Mapped[str] = mapped_column(Text, default="")
    #: One of the PLAN_CHANNELS setting ("e-post" is the one Vaksam sends itself).
    channel: Mapped[str] = mapped_column(String(40), index=True)
    #: all, units, managers or not_done (AUDIENCES); `units` narrows the last three.
    audience: Mapped[str] = mapped_column(String(12))
    #: When it goes out (UTC).
    planned_at: Mapped[datetime] = mapped_column(index=True)
    #: Who is responsible (gets the "publish now" task for channels Vaksam cannot post to).
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: draft, review, approved, scheduled, sent, published, failed (could not be sent; the reason is
    #: in its history) or cancelled (MESSAGE_STATUSES).
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    #: Bumped by every write; an edit or a send based on an older read fails instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: One-time token of the form that created it, so a double-clicked submit creates one row.
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: When it was sent (e-mail) or marked published (other channels).
    sent_at: Mapped[datetime | None]
    #: E-mail: how many people were mailed.
    recipient_count: Mapped[int | None] = mapped_column(Integer)
    #: E-mail: people in the audience without a usable address (not mailed).
    no_address_count: Mapped[int | None] = mapped_column(Integer)
    #: Who created it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: Who last changed the content (title, body, channel, audience…): not the one to approve it.
    content_edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: Row creation time.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Last change.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign | None] = relationship()
    owner: Mapped[Person] = relationship(foreign_keys=[owner_id])
    units: Mapped[list[Unit]] = relationship(secondary=plan_message_unit, order_by="Unit.name")
    transitions: Mapped[list[PlanTransition]] = relationship(
        order_by="PlanTransition.id", cascade="all, delete-orphan", back_populates="message"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        one_of("status", MESSAGE_STATUSES),
        # The send job's poll: scheduled and due stays a small index however many were sent.
        Index("ix_plan_message_due", "planned_at",
              postgresql_where=text("status = 'scheduled'"), sqlite_where=text("status = 'scheduled'")),
    )


class PlanTransition(Base):
    """One step in a plan message's workflow: who moved it from what to what, when and why."""

    __tablename__ = "plan_message_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The message.
    message_id: Mapped[int] = mapped_column(ForeignKey("plan_message.id", ondelete="CASCADE"), index=True)
    #: When.
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who; None for the scheduler.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: Status before ("" when created).
    from_status: Mapped[str] = mapped_column(String(12))
    #: Status after.
    to_status: Mapped[str] = mapped_column(String(12))
    #: Why (the reviewer's comment, "innehållet ändrades", a send problem…).
    comment: Mapped[str] = mapped_column(Text, default="")

    message: Mapped[PlanMessage] = relationship(back_populates="transitions")
    actor: Mapped[Person | None] = relationship()

    __table_args__ = (
        one_of("from_status", ("",) + MESSAGE_STATUSES),
        one_of("to_status", MESSAGE_STATUSES),
    )


class PlanTask(Base):
    """A "publish now" task for the owner of a message in a channel Vaksam cannot post to."""

    __tablename__ = "plan_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The message to publish; one open task per message.
    message_id: Mapped[int] = mapped_column(ForeignKey("plan_message.id", ondelete="CASCADE"), unique=True)
    #: Who should publish it (the message's owner when the task was made).
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: When the task was made (the message's planned time had come).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was marked published; None while open.
    done_at: Mapped[datetime | None]
    #: Who marked it published.
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    message: Mapped[PlanMessage] = relationship()
    owner: Mapped[Person] = relationship(foreign_keys=[owner_id])

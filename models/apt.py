"""APT-kvittens: managers confirm that an APT material was presented at their workplace meeting.

An APT material is a campaign activity of kind "apt" or a plan message on the APT channel
(apt/materials.py): a confirmation names exactly one of the two."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class AptConfirmation(Base):
    """"Presenterat på APT den …" for one unit and one APT material (an activity or a plan message)."""

    __tablename__ = "apt_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The APT material when it is a campaign activity of kind "apt" (else None).
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_activity.id", ondelete="CASCADE"),
                                                    index=True)
    #: The APT material when it is a plan message on the APT channel (else None).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("plan_message.id", ondelete="CASCADE"), index=True)
    #: The unit whose meeting it was (the confirming manager's own unit).
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    #: Who confirmed: the unit's manager or the manager's stand-in.
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: The day of the meeting (local date).
    presented_on: Mapped[date] = mapped_column(Date)
    #: How many were present (optional).
    present_count: Mapped[int | None] = mapped_column(Integer)
    #: When it was confirmed.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("activity_id", "unit_id", name="uq_apt_confirmation_activity_unit"),
        UniqueConstraint("message_id", "unit_id", name="uq_apt_confirmation_message_unit"),
        CheckConstraint("(activity_id IS NULL) <> (message_id IS NULL)", name="one_material"),
    )


class AptStandIn(Base):
    """A manager's stand-in, who may confirm APTs for the manager's unit while the manager is away."""

    __tablename__ = "apt_stand_in"

    #: The manager.
    manager_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    #: The stand-in.
    stand_in_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: When the manager set it.
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class AptDigestEntry(Base):
    """An overdue APT material was listed for a unit in a manager's digest (so an APT-only digest
    is not sent again before APT_DIGEST_DAYS have passed)."""

    __tablename__ = "apt_digest_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The material when an activity (else None).
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_activity.id", ondelete="CASCADE"),
                                                    index=True)
    #: The material when a plan message (else None).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("plan_message.id", ondelete="CASCADE"), index=True)
    #: The unit that had not confirmed.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    #: The manager whose digest listed it (deleted when they leave: privacy/shared.py LEAVER_DELETES).
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: When it was listed (the digest's run).
    listed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("(activity_id IS NULL) <> (message_id IS NULL)", name="one_material"),)

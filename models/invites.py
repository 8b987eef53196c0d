"""Calendar invitations: feed tokens, registrations with a waiting list, and what each
attendee was last sent (invites/ owns these tables).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, one_of, utcnow
from models.campaign import Activity
from models.directory import Person

#: registered → cancelled (unregistered); waiting → registered (moved up) or cancelled.
REGISTRATION_STATUSES = ("registered", "waiting", "cancelled")
#: iTIP methods an attendee can have been sent last.
INVITE_METHODS = ("REQUEST", "CANCEL")
#: An attendee's answer (iCalendar PARTSTAT of their REPLY); None: no answer yet.
PARTSTATS = ("ACCEPTED", "TENTATIVE", "DECLINED", "DELEGATED")
#: What became of a message read from the organiser mailbox (invites/replies.py).
REPLY_OUTCOMES = ("applied", "stale", "counter", "occurrence", "unmatched", "malformed")
#: Why someone is on an activity's attendee list.
ATTENDEE_SOURCES = ("registration", "audience")


class FeedToken(Base):
    """A secret that opens one person's calendar feeds without logging in (calendar servers fetch them)."""

    __tablename__ = "invite_feed_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose feeds it opens.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    #: sha256 hex of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: When it was made.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was revoked (by the person, or replaced by a new one); None while it works.
    revoked_at: Mapped[datetime | None]
    #: Last time a feed was fetched with it (updated at most hourly), so people can see it is in use.
    last_used_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship()

    __table_args__ = (
        # At most one working token per person: a double-clicked "create" cannot leave two.
        Index("ux_invite_feed_token_active", "person_id", unique=True,
              postgresql_where=text("revoked_at IS NULL"), sqlite_where=text("revoked_at IS NULL")),
    )


class Registration(Base):
    """A person's registration for an activity with a capacity (or their place on its waiting list)."""

    __tablename__ = "invite_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The activity.
    activity_id: Mapped[int] = mapped_column(ForeignKey("campaign_activity.id", ondelete="CASCADE"))
    #: Who registered.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    #: registered, waiting or cancelled (REGISTRATION_STATUSES).
    status: Mapped[str] = mapped_column(String(12))
    #: When the person (last) joined; the waiting list moves up in this order (first come, first served).
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: First registration.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Last change of status (feeds use it for Last-Modified, so an unregistration counts too).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    activity: Mapped[Activity] = relationship()
    person: Mapped[Person] = relationship()

    __table_args__ = (
        one_of("status", REGISTRATION_STATUSES),
        # One row per person and activity: a double-clicked "register" cannot make two.
        UniqueConstraint("activity_id", "person_id", name="uq_invite_registration_activity_person"),
        Index("ix_invite_registration_queue", "activity_id", "status", "queued_at"),
    )


class Attendee(Base):
    """One invited person of an activity and what they were last sent (their copy of the event)."""

    __tablename__ = "invite_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The activity.
    activity_id: Mapped[int] = mapped_column(ForeignKey("campaign_activity.id", ondelete="CASCADE"))
    #: The invited person (the only ATTENDEE in their invitation).
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    #: True while the person should have the event in their calendar; False after they unregistered.
    wanted: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Why they are invited: "registration" or "audience" (a planner invited the activity's audience).
    source: Mapped[str] = mapped_column(String(12))
    #: iTIP method of the last message sent to them (REQUEST or CANCEL); None before the first.
    method: Mapped[str | None] = mapped_column(String(8))
    #: SEQUENCE of the last message sent to them; never goes down, so their client applies each one.
    sequence: Mapped[int | None] = mapped_column(Integer)
    #: The activity's own sequence that last message reflected (a higher one means: send an update).
    activity_sequence: Mapped[int | None] = mapped_column(Integer)
    #: When the last message was put in the outbox.
    sent_at: Mapped[datetime | None]
    #: The outbox row of the last message.
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    #: When the person was first invited.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Their latest answer (PARTSTATS: ACCEPTED, TENTATIVE, DECLINED, DELEGATED); None: no answer.
    partstat: Mapped[str | None] = mapped_column(String(12))
    #: When Vaksam read that answer from the organiser mailbox.
    answered_at: Mapped[datetime | None]
    #: SEQUENCE the answer was given to; an answer to an older sequence does not replace it.
    answer_sequence: Mapped[int | None] = mapped_column(Integer)
    #: DTSTAMP of the answer: of two answers to the same sequence the later one counts.
    answer_stamp: Mapped[datetime | None]
    #: With PARTSTAT=DELEGATED: the address they handed the invitation to (shown, not acted on).
    delegated_to: Mapped[str | None] = mapped_column(String(320))

    person: Mapped[Person] = relationship()

    __table_args__ = (
        one_of("source", ATTENDEE_SOURCES),
        one_of("method", INVITE_METHODS),
        one_of("partstat", PARTSTATS),
        UniqueConstraint("activity_id", "person_id", name="uq_invite_attendee_activity_person"),
    )


class Reply(Base):
    """One message read from the organiser mailbox: an iMIP REPLY or COUNTER, or something that
    matched nothing (listed for admins). The message itself stays in the mailbox, moved to
    IMAP_DONE_FOLDER or the unknown folder; nothing is ever deleted there."""

    __tablename__ = "invite_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When it was read.
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Its Message-ID header ("" when it had none), to find it in the mailbox.
    message_id: Mapped[str] = mapped_column(String(500), default="")
    #: The From address.
    sender: Mapped[str] = mapped_column(String(320), default="")
    #: The Subject header (cut to 300 characters).
    subject: Mapped[str] = mapped_column(String(300), default="")
    #: The calendar's METHOD (REPLY, COUNTER, …); "" when there was no readable calendar.
    method: Mapped[str] = mapped_column(String(12), default="")
    #: The event UID the answer is about.
    uid: Mapped[str] = mapped_column(String(300), default="")
    #: The SEQUENCE the answer refers to.
    sequence: Mapped[int | None] = mapped_column(Integer)
    #: The answering ATTENDEE address.
    attendee: Mapped[str] = mapped_column(String(320), default="")
    #: The PARTSTAT answered.
    partstat: Mapped[str] = mapped_column(String(12), default="")
    #: DELEGATED-TO address, if any.
    delegated_to: Mapped[str] = mapped_column(String(320), default="")
    #: COUNTER: the start and end the attendee proposes.
    proposed_start: Mapped[datetime | None]
    #: COUNTER: the proposed end.
    proposed_end: Mapped[datetime | None]
    #: COUNTER or REPLY COMMENT (the attendee's note).
    comment: Mapped[str] = mapped_column(Text, default="")
    #: The matched activity (None when unmatched).
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_activity.id", ondelete="SET NULL"),
                                                    index=True)
    #: The matched person (None when unmatched).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    #: What was done (REPLY_OUTCOMES).
    outcome: Mapped[str] = mapped_column(String(12))
    #: Why it was not applied (a key of invites.labels.REPLY_REASONS), "" when applied.
    reason: Mapped[str] = mapped_column(String(40), default="")
    #: The folder it was moved to ("" when left where it was).
    folder: Mapped[str] = mapped_column(String(300), default="")

    activity: Mapped[Activity | None] = relationship()
    person: Mapped[Person | None] = relationship()

    __table_args__ = (one_of("outcome", REPLY_OUTCOMES),)


class PersonAddress(Base):
    """Another address a person's mail client may answer from (an alias, the UPN, an old name),
    so that their calendar replies still find them."""

    __tablename__ = "person_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose address it is.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    #: The address in lower case.
    address: Mapped[str] = mapped_column(String(320), unique=True)

"""Pure rules for invitations: what to send to an attendee, with which SEQUENCE, and why.

Each attendee has their own copy of the event in their calendar, and a client applies a
message only if its SEQUENCE is at least the one it has (RFC 5546 2.1.4). So per attendee
the sequence never goes down, and every new message after the first one goes up by at
least one: a re-invitation after an unregistration, or an update after a re-invitation,
would otherwise carry a sequence the client already saw and be ignored. Without personal
history the attendee simply gets the activity's own sequence (what the feeds show).
"""
from __future__ import annotations

from dataclasses import dataclass

REQUEST, CANCEL = "REQUEST", "CANCEL"

#: Why a message goes out; picks the subject and text of the e-mail. CANCELLED: the activity is
#: cancelled; WITHDRAWN: moved back to planned; REMOVED: the person unregistered; UNINVITED: the
#: audience no longer includes them.
INVITE, UPDATE, CANCELLED, REMOVED = "invite", "update", "cancelled", "removed"
WITHDRAWN, UNINVITED = "withdrawn", "uninvited"


@dataclass(frozen=True)
class Sent:
    """What an attendee was sent last (None fields: nothing yet)."""

    method: str | None
    sequence: int | None
    activity_sequence: int | None


@dataclass(frozen=True)
class Outgoing:
    """One message to send: its method, SEQUENCE and reason."""

    method: str
    sequence: int
    reason: str


def desired_method(activity_status: str, wanted: bool) -> str | None:
    """REQUEST while the activity is confirmed and the person wants it, CANCEL otherwise (a
    planned activity is in nobody's calendar: moving one back to planned takes it out; a CANCEL
    to someone never invited is not sent, see next_message)."""
    if activity_status == "confirmed" and wanted:
        return REQUEST
    return CANCEL


def cancel_reason(activity_status: str, source: str) -> str:
    """Why a CANCEL goes out, for its e-mail."""
    if activity_status == "cancelled":
        return CANCELLED
    if activity_status != "confirmed":
        return WITHDRAWN
    return UNINVITED if source == "audience" else REMOVED


def next_message(activity_sequence: int, last: Sent, method: str | None, activity_cancelled: bool,
                 why: str | None = None) -> Outgoing | None:
    """The message that brings this attendee's copy up to date, or None if it is up to date."""
    if method is None:
        return None
    if last.method is None:
        if method == CANCEL:  # never invited: nothing to take back
            return None
        return Outgoing(REQUEST, activity_sequence, INVITE)
    if method == CANCEL and last.method == CANCEL:
        return None
    if method == REQUEST and last.method == REQUEST and last.activity_sequence == activity_sequence:
        return None
    sequence = max(activity_sequence, (last.sequence or 0) + 1)
    if method == CANCEL:
        return Outgoing(CANCEL, sequence, why or (CANCELLED if activity_cancelled else REMOVED))
    return Outgoing(REQUEST, sequence, UPDATE if last.method == REQUEST else INVITE)


def idempotency_key(activity_id: int, person_id: int, sequence: int, method: str) -> str:
    """One outbox message per attendee and (sequence, method): a repeat of the same step is a no-op."""
    return f"invite:{activity_id}:{person_id}:seq{sequence}:{method}"

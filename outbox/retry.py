"""When to try a failed message again, and when to give up (pure rules)."""
from __future__ import annotations

from datetime import datetime, timedelta


def backoff(attempts: int, base_seconds: int, max_seconds: int) -> timedelta:
    """Exponential backoff after the `attempts`-th failed attempt: base, 2×base, 4×base, … capped."""
    exponent = max(attempts - 1, 0)
    seconds = base_seconds * (2 ** min(exponent, 30))
    return timedelta(seconds=min(seconds, max_seconds))


def next_attempt(now: datetime, attempts: int, base_seconds: int, max_seconds: int) -> datetime:
    return now + backoff(attempts, base_seconds, max_seconds)


def gives_up(permanent: bool, first_attempt_at: datetime | None, now: datetime, give_up_hours: int) -> bool:
    """A permanent (5xx) failure ends at once; a temporary one once `give_up_hours` have passed
    since the message was first taken up (mail servers keep trying for days, so an outage of a
    few hours never makes a message fail; the number of tries does not matter)."""
    if permanent:
        return True
    return first_attempt_at is not None and now - first_attempt_at >= timedelta(hours=give_up_hours)

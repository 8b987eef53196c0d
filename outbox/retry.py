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


def gives_up(attempts: int, permanent: bool, max_attempts: int) -> bool:
    """A permanent (5xx) failure ends at once; a temporary one after `max_attempts` attempts."""
    return permanent or attempts >= max_attempts

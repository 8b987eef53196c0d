"""Pacing: at most SMTP_MAX_PER_MINUTE message starts a minute, carried over between runs."""
from __future__ import annotations

import threading
import time


class Pacer:
    """Spaces message starts evenly: at most `per_minute` a minute (0 = no limit)."""

    def __init__(self, per_minute: int):
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.next_at = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            delay = self.next_at - now
            self.next_at = max(now, self.next_at) + self.interval
        if delay > 0:
            time.sleep(delay)


_pacers: dict[int, Pacer] = {}


def pacer_for(per_minute: int) -> Pacer:
    """One pacer per process, so pacing carries over from one run of the job to the next."""
    return _pacers.setdefault(per_minute, Pacer(per_minute))

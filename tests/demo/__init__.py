"""Demo tests. The demo's dates follow the day it is loaded (demo/dates.py), so tests that check
dates load it on a fixed day: DEMO_DAY, a week after the requirement's due date in 2026."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import time_machine

#: A Monday in December: demo year 2026, due date 30 Nov 2026 just passed, October 2026 behind.
DEMO_DAY = datetime(2026, 12, 7, 9, 30, tzinfo=timezone.utc)


def on_demo_day(when: datetime = DEMO_DAY) -> Iterator[None]:
    """For a fixture: time runs from `when` (ticking, so timeouts and tokens still work)."""
    with time_machine.travel(when, tick=True):
        yield

"""A cron job every three seconds that appends "pid time" to the file named by TICK_LOG."""
from __future__ import annotations

import os
import time

from jobs.registry import Job


def tick(now) -> str:
    with open(os.environ["TICK_LOG"], "a") as fh:
        fh.write(f"{os.getpid()} {time.time():.3f}\n")
    return "tick"


JOBS = [Job("test.tick", tick, "cron", {"second": "*/3"}, "Test job.")]

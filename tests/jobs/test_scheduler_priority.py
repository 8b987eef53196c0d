"""The scheduler runs at a lower CPU priority than the web workers (SCHEDULER_NICE), so a
day rollover recomputing every status waits for a core rather than a page waiting for it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def niceness_after(nice: int) -> int:
    code = f"import os; from jobs.cli import _lower_priority; _lower_priority({nice}); print(os.nice(0))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return int(done.stdout.strip())


def test_the_scheduler_lowers_its_priority_by_scheduler_nice():
    base = os.nice(0)
    assert niceness_after(7) == min(base + 7, 19)
    assert niceness_after(0) == base


def test_scheduler_nice_defaults_to_the_lowest_priority(app):
    from config import from_env

    assert from_env()["SCHEDULER_NICE"] == 19 and from_env()["EXPORTS_PER_WORKER"] == 1

"""bench/load.py's steps outside the web: SQL on the region's database (the simulated day
rollover, waiting for the scheduler's recompute) and the directory sync's CLI run."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from bench.region import ROOT, _env


def sync_cli(url: str, ldap: dict[str, str]) -> bool:
    """A full sync as the nightly job runs it, at the priority it has as a scheduler job
    (SCHEDULER_NICE, default 19); False (and what it said) if it failed."""
    done = subprocess.run(["nice", "-n", os.environ.get("SCHEDULER_NICE", "19"), sys.executable, "-m", "flask", "--app", "app", "directory", "sync",
                           "--json"], cwd=ROOT, env=_env(url, **ldap), capture_output=True, text=True)
    if done.returncode != 0:
        print(f"directory sync failed: {done.stdout[-500:]} {done.stderr[-500:]}")
    return done.returncode == 0


def _sql(url: str, statement: str):
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        result = conn.execute(text(statement))
        value = result.first() if result.returns_rows else None
    engine.dispose()
    return value


def rollover(url: str) -> None:
    _sql(url, "UPDATE training_refresh SET computed_for = computed_for - 1")


def wait_for_recompute(url: str, deadline: float) -> float:
    """When the cache holds for today again. Today is the app's local day (TIMEZONE), which the
    cache is stamped with: PostgreSQL's CURRENT_DATE is the session's (UTC here), a day behind
    from local midnight to UTC midnight, and a run then took the marked-back cache for fresh."""
    today = datetime.now(ZoneInfo(os.environ.get("TIMEZONE", "Europe/Stockholm"))).date().isoformat()
    limit = time.monotonic() + deadline
    while time.monotonic() < limit:
        row = _sql(url, f"SELECT count(*) FROM training_refresh WHERE computed_for < DATE '{today}' OR dirty")
        if row[0] == 0:
            return time.perf_counter()
        time.sleep(1)
    raise RuntimeError("the scheduler did not recompute the cache in time")

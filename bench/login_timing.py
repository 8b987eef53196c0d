"""A log-in for a name nobody has versus one for a real account (wrong password both times).

    .venv/bin/python bench/login_timing.py [--db sqlite|postgresql] [--tries 15]

Local accounts only (no directory; tests/directory/test_login_security.py checks that with
a directory both kinds make the same search, hash check and bind). The attempts alternate
and the median of each counts; every attempt comes from its own address, so the limits
never step in. Target: the ratio unknown/known within 0.8..1.25, i.e. an attacker cannot
tell from the answer time whether a user name exists. Exit status 1 if missed.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchdb import database  # noqa: E402  (after the path is set)

os.environ.setdefault("VAKSAM_INSTANCE", tempfile.mkdtemp(prefix="vaksam-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-secret")
LOW, HIGH = 0.8, 1.25


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--tries", type=int, default=15)
    args = parser.parse_args()
    with database(args.db == "postgresql", "vaksam_bench_login") as url:
        return run(args, url)


def run(args, url: str) -> int:
    from flask_migrate import upgrade

    from app import create_app
    from auth.login import authenticate
    from auth.operations import create_local_user
    from extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING", "TESTING": True})
    with app.app_context():
        upgrade()
        create_local_user("known-user", "the-right-password-1")
        db.session.commit()
        now = datetime.now(timezone.utc)
        known, unknown = [], []
        for i in range(args.tries):
            for name, times in (("known-user", known), ("nobody-at-all", unknown)):
                t0 = time.perf_counter()
                authenticate(name, "a-wrong-password", f"10.{i}.{len(times)}.{len(name)}", now)
                times.append(time.perf_counter() - t0)
    k, u = statistics.median(known), statistics.median(unknown)
    print(f"{args.db}: known {1000 * k:.1f} ms, unknown {1000 * u:.1f} ms (medians of {args.tries})")
    print(f"unknown/known = {u / k:.2f} (target {LOW}..{HIGH})")
    return 0 if LOW <= u / k <= HIGH else 1


if __name__ == "__main__":
    sys.exit(main())

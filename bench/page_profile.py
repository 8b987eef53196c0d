"""Where a page's time goes (issue 19): each page of bench/pages.py requested in-process
through the Flask test client on a PostgreSQL region, with the SQL statements counted and
timed (SQLAlchemy cursor events) and, with --profile, cProfile's top functions.

Not a benchmark with a goal: a tool to find what dominates a page before changing it.
Usage: python bench/page_profile.py [--people N] [--requests N] [--profile] [--sql]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchdb import database  # noqa: E402
from bench.pages import pages  # noqa: E402
from bench.region import load  # noqa: E402
from bench.training import PASSWORD  # noqa: E402


class SqlTimer:
    """Counts and times the statements sent to the database."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.statements: list[tuple[str, float]] = []
        self._start = 0.0
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn, cursor, statement, *args):
        self._start = time.perf_counter()

    def after(self, conn, cursor, statement, *args):
        self.statements.append((statement, time.perf_counter() - self._start))


def login(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data=urlencode({"username": username, "password": PASSWORD,
                                                     "csrf_token": token}),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302, response.status_code


def profile_page(app, timer: SqlTimer, username: str, path: str, n: int, with_cprofile: bool, show_sql: bool,
                 top: int = 8, trace: bool = False):
    client = app.test_client()
    login(client, username)
    for _ in range(3):
        client.get(path)
    timer.statements.clear()
    profiler = cProfile.Profile() if with_cprofile else None
    times, size = [], 0
    for _ in range(n):
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        response = client.get(path)
        if profiler:
            profiler.disable()
        times.append(time.perf_counter() - start)
        size = len(response.data)
        assert response.status_code == 200, (path, response.status_code)
    sql = sum(s for _q, s in timer.statements) / n
    times.sort()
    print(f"{path:<45} median {times[n // 2] * 1000:7.1f} ms  SQL {sql * 1000:6.1f} ms in "
          f"{len(timer.statements) / n:5.1f} statements  {size / 1024:6.1f} KB")
    if show_sql:
        slow = Counter()
        for statement, seconds in timer.statements:
            slow[" ".join(statement.split())[:160]] += seconds / n
        for statement, seconds in slow.most_common(top):
            print(f"    {seconds * 1000:6.2f} ms  {statement}")
    if trace:
        for statement, _seconds in timer.statements[-len(timer.statements) // n:]:
            print("    " + " ".join(statement.split())[:150])
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="Print cProfile's top functions per page.")
    parser.add_argument("--sql", action="store_true", help="Print the costliest statements per page.")
    parser.add_argument("--only", default="", help="Only pages whose label contains this.")
    parser.add_argument("--trace", action="store_true", help="Print the statements of one request in order.")
    parser.add_argument("--top", type=int, default=8, help="Statements listed per page with --sql.")
    args = parser.parse_args()
    from app import create_app
    from extensions import db

    with database(True, "vaksam_profile") as url:
        info = load(url, args.people, args.people * 3)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING", "SESSION_COOKIE_SECURE": False,
                          "DEMO_MODE": False})
        with app.app_context():
            timer = SqlTimer(db.engine)

        class Info:
            person_id = info["person_id"]

        for label, role, path in pages(Info):
            if args.only in label:
                print(f"{label} ({role})")
                profile_page(app, timer, info["users"][role], path, args.requests, args.profile, args.sql, args.top, args.trace)
    return 0


if __name__ == "__main__":
    sys.exit(main())

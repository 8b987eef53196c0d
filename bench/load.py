"""Load benchmark (issue 19): simulated users against gunicorn + PostgreSQL + 55,000 people,
with the scheduler running, every figure a ratio to /healthz measured in the same run.

Users (one thread and one keep-alive connection each, a think time between clicks):
managers (team page, person page), employees ("Min utbildning", the calendar feed), comms
(plan page, calendar) and admins (region page, now and then a 55,000-row CSV export).
One more user asks /healthz all along: the yardstick. At 10, 50 and 150 users it reports
requests per second, p50/p95/p99 per page ÷ the same percentile of /healthz, and the RSS of
the gunicorn workers and the scheduler.

Then, under 50 users: an LMS import of 5,000 rows and a simulated day rollover (the cache
marked as computed yesterday; the scheduler recomputes within TRAINING_REFRESH_SECONDS),
each reporting the longest request while it ran. Goal: none longer than 1 s, p95 within
2× the quiet p95, zero errors. (A full directory sync under load is not part of this run.)

Every request loop is bounded in time and count and talks to 127.0.0.1 only.
Usage: python bench/load.py [--people N] [--seconds S] [--levels 10,50,150]
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.region import ROOT, Client, _env, percentile, region, rss_mb  # noqa: E402
from bench.training import lms_csv  # noqa: E402

THINK = (0.5, 1.5)  # seconds between one user's clicks
MAX_REQUESTS_PER_USER = 2000


def scenario(role: str, r) -> list[tuple[str, str]]:
    """(label, path) a user of `role` clicks through, round and round."""
    return {
        "director": [("team", "/training/team"), ("person", f"/training/people/{r.person_id}")],
        "lead": [("team", "/training/team"), ("person", f"/training/people/{r.person_id}")],
        "employee": [("mine", "/training/mine"), ("feed", r.feed)],
        "comms": [("plan", "/plan"), ("calendar", "/plan/kalender")],
        "admin": [("region", "/admin/training/region")] * 5 + [("export", "/admin/training/region/export.csv?what=people")],
    }[role]


class Run:
    """Samples per label while `running`; errors counted."""

    def __init__(self):
        self.samples: dict[str, list[tuple[float, float]]] = defaultdict(list)  # label -> [(start, seconds)]
        self.errors = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def record(self, label: str, start: float, seconds: float, ok: bool) -> None:
        with self.lock:
            self.samples[label].append((start, seconds))
            self.errors += 0 if ok else 1


def user(r, run: Run, cookie: str, role: str, seed: int) -> None:
    rnd = random.Random(seed)
    client = Client(r.base, timeout=120)
    client.cookie = cookie
    run.stop.wait(rnd.uniform(*THINK))  # users do not all click at the same moment
    try:
        clicks = scenario(role, r) if role != "healthz" else [("healthz", "/healthz")]
        for n in range(MAX_REQUESTS_PER_USER):
            if run.stop.is_set():
                return
            label, path = clicks[n % len(clicks)]
            start = time.perf_counter()
            try:
                status, _ = client.get(path)
                ok = status == 200
            except OSError:
                ok = False
            run.record(label, start, time.perf_counter() - start, ok)
            run.stop.wait(0.2 if role == "healthz" else rnd.uniform(*THINK))
    finally:
        client.close()


def sessions(r) -> dict[str, str]:
    """One logged-in session per role, shared by that role's users (log-in hashing is not what we measure)."""
    cookies = {}
    for role, username in r.users.items():
        client = Client(r.base, timeout=120)
        client.login(username)
        cookies[role] = client.cookie
        client.close()
    return cookies


def start_users(r, run: Run, count: int) -> list[threading.Thread]:
    cookies = r.cookies
    roles = ["lead", "employee", "employee", "comms", "admin", "director", "lead", "employee"]
    threads = [threading.Thread(target=user, args=(r, run, "", "healthz", 0), daemon=True)]
    for i in range(count):
        role = roles[i % len(roles)]
        threads.append(threading.Thread(target=user, args=(r, run, cookies[role], role, i), daemon=True))
    for t in threads:
        t.start()
    return threads


def stop_users(run: Run, threads: list[threading.Thread]) -> None:
    run.stop.set()
    for t in threads:
        t.join(timeout=130)


def report_level(count: int, run: Run, seconds: float, r) -> dict:
    health = [s for _t, s in run.samples["healthz"]]
    hp = {p: percentile(health, p) for p in (0.5, 0.95, 0.99)}
    total = sum(len(v) for v in run.samples.values())
    print(f"\n{count} users: {total / seconds:.1f} requests/s, {run.errors} errors; /healthz p50 {hp[0.5] * 1000:.1f} ms"
          f" p95 {hp[0.95] * 1000:.1f} ms p99 {hp[0.99] * 1000:.1f} ms")
    print(f"  {'page':<10} {'n':>5} {'p50×':>6} {'p95×':>6} {'p99×':>6} {'max ms':>8}")
    for label, samples in sorted(run.samples.items()):
        if label == "healthz":
            continue
        times = [s for _t, s in samples]
        print(f"  {label:<10} {len(times):>5} " + " ".join(
            f"{percentile(times, p) / hp[p]:>6.1f}" for p in (0.5, 0.95, 0.99)) + f" {max(times) * 1000:>8.0f}")
    workers = rss_mb(r.processes["gunicorn"].pid)
    scheduler = rss_mb(r.processes["scheduler"].pid) if "scheduler" in r.processes else 0.0
    print(f"  RSS: gunicorn (master + workers) {workers:.0f} MB, scheduler {scheduler:.0f} MB")
    all_pages = [s for label, v in run.samples.items() if label != "healthz" for _t, s in v]
    return {"p95": percentile(all_pages, 0.95), "errors": run.errors}


def level(r, count: int, seconds: float) -> dict:
    run = Run()
    threads = start_users(r, run, count)
    run.stop.wait(seconds)
    stop_users(run, threads)
    return report_level(count, run, seconds, r)


def longest_during(run: Run, start: float, end: float) -> tuple[float, str]:
    worst = (0.0, "")
    for label, samples in run.samples.items():
        for t, s in samples:
            if t + s >= start and t <= end and s > worst[0]:
                worst = (s, label)
    return worst


def events_under_load(r, users: int, quiet_p95: float, people: int) -> bool:
    """Import and rollover while `users` click; True if every goal held."""
    run = Run()
    threads = start_users(r, run, users)
    ok = True
    try:
        run.stop.wait(5)
        data_file = Path(os.environ["VAKSAM_INSTANCE"]) / "bench-import.csv"
        data_file.write_bytes(lms_csv(min(5000, people)))
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", "training", "import", str(data_file)],
                       cwd=ROOT, env=_env(r.url), check=True, capture_output=True)
        end = time.perf_counter()
        worst, label = longest_during(run, start, end)
        print(f"\nimport of 5,000 rows: {end - start:.1f} s; longest request meanwhile {worst * 1000:.0f} ms ({label})")
        ok &= worst <= 1.0
        start = time.perf_counter()
        rollover(r.url)
        end = wait_for_recompute(r.url, deadline=120)
        worst, label = longest_during(run, start, end)
        print(f"day rollover: recomputed by the scheduler {end - start:.1f} s after the cache was marked yesterday;"
              f" longest request meanwhile {worst * 1000:.0f} ms ({label})")
        ok &= worst <= 1.0
    finally:
        stop_users(run, threads)
    pages = [s for label, v in run.samples.items() if label != "healthz" for _t, s in v]
    p95 = percentile(pages, 0.95)
    print(f"under {users} users with the import and the rollover: p95 {p95 * 1000:.0f} ms vs quiet "
          f"{quiet_p95 * 1000:.0f} ms ({p95 / quiet_p95:.1f}×, goal ≤ 2); errors {run.errors}")
    return ok and p95 <= 2 * quiet_p95 and run.errors == 0


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
    limit = time.monotonic() + deadline
    while time.monotonic() < limit:
        row = _sql(url, "SELECT count(*) FROM training_refresh WHERE computed_for < CURRENT_DATE")
        if row[0] == 0:
            return time.perf_counter()
        time.sleep(1)
    raise RuntimeError("the scheduler did not recompute the cache in time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=55_000)
    parser.add_argument("--seconds", type=float, default=30, help="Per level.")
    parser.add_argument("--levels", default="10,50,150")
    args = parser.parse_args()
    with region(args.people, completions=args.people * 3, scheduler=True, name="vaksam_load") as r:
        r.cookies = sessions(r)
        results = {n: level(r, n, args.seconds) for n in (int(x) for x in args.levels.split(","))}
        quiet = results.get(50) or next(iter(results.values()))
        ok = events_under_load(r, 50, quiet["p95"], args.people)
    failed = not ok or any(v["errors"] for v in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

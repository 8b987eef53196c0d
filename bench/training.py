"""Benchmark for the training area (issue: 55,000 people, 300,000 completions).

1. Import of a 55,000-row LMS CSV versus parsing the same file with the csv module and
   bulk-inserting the rows into an empty table: the ratio must be <= 3.
2. The top manager's team page (the whole region) and a section lead's page, p95 of 50
   requests each, versus the p95 of 50 requests to /healthz with the same client: each
   ratio must be <= 10. The client is a keep-alive HTTP client against a real server on
   127.0.0.1; the Flask test client's figures are printed too, for information. Page and
   /healthz requests alternate, so both see the same machine load.

Usage: python bench/training.py [--db sqlite|postgresql] [--people N] [--completions N]
Exit status 1 if a target is missed.
"""
from __future__ import annotations

import argparse
import csv
import gc
import io
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchdb import database  # noqa: E402  (after the path is set)
from bench.org import PASSWORD, build_org, completion_rows, lms_csv  # noqa: E402

__all__ = ["PASSWORD", "build_org", "completion_rows", "lms_csv"]  # also used by bench/region.py, bench/load.py

os.environ.setdefault("VAKSAM_INSTANCE", tempfile.mkdtemp(prefix="vaksam-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-secret")


def timed(func):
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def baseline_import(engine, data: bytes) -> float:
    """Parse with the csv module and bulk-insert into an empty table (the yardstick)."""
    from sqlalchemy import Column, Integer, MetaData, String, Table

    meta = MetaData()
    table = Table("bench_baseline", meta, Column("id", Integer, primary_key=True),
                  *[Column(f"c{i}", String(400)) for i in range(7)])
    meta.drop_all(engine)
    meta.create_all(engine)

    def run():
        reader = csv.reader(io.StringIO(data.decode("cp1252"), newline=""), delimiter=";")
        next(reader)
        rows = [{f"c{i}": v for i, v in enumerate(r)} for r in reader]
        with engine.begin() as conn:
            conn.execute(table.insert(), rows)

    elapsed, _ = timed(run)
    meta.drop_all(engine)
    return elapsed


class HttpClient:
    """A keep-alive HTTP/1.1 client against a real server on 127.0.0.1 (what a browser meets)."""

    def __init__(self, app):
        import http.client
        import threading

        from werkzeug.serving import WSGIRequestHandler, make_server

        WSGIRequestHandler.protocol_version = "HTTP/1.1"
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.server.server_port)
        self.cookie = ""

    def request(self, method: str, path: str, body: str = "") -> int:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body or None, headers=headers)
        response = self.conn.getresponse()
        response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("vaksam_session="):
                self.cookie = value.split(";", 1)[0]
        return response.status

    def get(self, path: str) -> int:
        return self.request("GET", path)

    def login(self, username: str) -> None:
        from urllib.parse import urlencode

        self.cookie = ""
        assert self.request("POST", "/login", urlencode({"username": username, "password": PASSWORD})) == 302

    def close(self) -> None:
        self.conn.close()
        self.server.shutdown()


class TestClient:
    """The Flask test client (no network, no server): the strictest yardstick."""

    def __init__(self, app):
        self.client = app.test_client()

    def get(self, path: str) -> int:
        return self.client.get(path).status_code

    def login(self, username: str) -> None:
        self.client.post("/logout")
        assert self.client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302

    def close(self) -> None:
        pass


def measure_pair(client, path: str, n: int = 50, warmup: int = 5) -> tuple[float, float]:
    """p95 of `path` and of /healthz, requests interleaved so both see the same machine load."""
    for _ in range(warmup):
        client.get(path)
        client.get("/healthz")
    page, health = [], []
    for _ in range(n):
        for target, samples in ((path, page), ("/healthz", health)):
            start = time.perf_counter()
            status = client.get(target)
            samples.append(time.perf_counter() - start)
            assert status == 200, (target, status)
    return p95(page), p95(health)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=55_000)
    parser.add_argument("--completions", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=3, help="Import rounds (best one counts).")
    args = parser.parse_args()

    with database(args.db == "postgresql", "vaksam_bench") as url:
        return run(args, url)


def run(args, url: str) -> int:
    from flask_migrate import upgrade

    from app import create_app
    from extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False,
                      "LOG_LEVEL": "WARNING", "TESTING": True})
    with app.app_context():
        upgrade()
        lead_id = load_region(args)
        gc.collect()  # the setup's own garbage must not burden what is measured
        print(f"setup: {args.people} people, {args.completions} completions on {db.engine.dialect.name}")
        report = measure_import(args)
    for kind, client_class in (("http", HttpClient), ("test", TestClient)):
        client = client_class(app)
        with app.app_context():
            client.login("user1")
            report[f"{kind}_top"], report[f"{kind}_top_healthz"] = measure_pair(client, "/training/team")
            client.login(f"user{lead_id}")
            report[f"{kind}_lead"], report[f"{kind}_lead_healthz"] = measure_pair(client, "/training/team")
        client.close()
    return print_report(report, args)


def load_region(args) -> int:
    """The people, the org tree, the course and the completions; returns a section lead's id."""
    from sqlalchemy import insert, update

    from auth.operations import hash_password
    from directory.tree import rebuild_closure, rebuild_unit_paths
    from extensions import db
    from models import Completion, Person, Unit
    from training import operations

    units, persons, lead_id = build_org(args.people)
    db.session.execute(insert(Unit), units)
    db.session.execute(insert(Person), persons)
    rebuild_unit_paths(db.session)
    rebuild_closure(db.session)
    password = hash_password(PASSWORD)
    db.session.execute(update(Person).where(Person.id.in_([1, lead_id])).values(password_hash=password))
    course = operations.ensure_course("SB", "Säkert Beteende").obj
    versions = [operations.ensure_version(course, f"Säkert Beteende {y}", date(y, 9, 15)).obj for y in
                (2022, 2023, 2024)]
    operations.ensure_requirement(course, operations.RequirementSpec(
        name="Alla", due_on=date(2024, 11, 30), new_starter_days=30, current_version_id=versions[2].id,
        transition_on=date(2024, 11, 30)))
    rows = completion_rows(args.people, args.completions, [v.id for v in versions])
    for i in range(0, len(rows), 20_000):
        db.session.execute(insert(Completion), rows[i:i + 20_000])
    db.session.commit()
    db.session.expunge_all()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    return lead_id


def measure_import(args) -> dict:
    """Best of `args.rounds` rounds of each (undoing the import in between), alternating, so
    a busy machine does not decide the ratio."""
    from extensions import db
    from jobs.batch import collector_paused
    from lms import importer
    from models import ImportBatch, utcnow
    from training import freshness, operations, refresh

    data = lms_csv(args.people)

    def do_import():  # the command's path: `flask training import` pauses the collector too
        with collector_paused():
            result = importer.import_file(data, "bench.csv", source="cli", now=utcnow())
        db.session.commit()
        return result

    baselines, imports = [], []
    for round_no in range(args.rounds):
        baselines.append(baseline_import(db.engine, data))
        elapsed, result = timed(do_import)
        imports.append(elapsed)
        assert result.ok and result.rows == args.people and result.imported > 0, result.as_json()
        if round_no < args.rounds - 1:
            operations.undo_import(db.session.get(ImportBatch, result.batch_id), None, utcnow())
            db.session.commit()
    print(f"import: {result.imported} new, {result.unchanged} unchanged; rounds: import "
          f"{', '.join(f'{t:.2f}' for t in imports)} s, baseline {', '.join(f'{t:.2f}' for t in baselines)} s")
    report = {"baseline": min(baselines), "import": min(imports)}
    refresh.mark_dirty()
    db.session.commit()
    report["refresh"], _ = timed(lambda: freshness.run_pending(utcnow()))
    return report


def print_report(r: dict, args) -> int:
    ok = True
    ratio = r["import"] / r["baseline"]
    ok &= ratio <= 3
    print(f"import of {args.people} rows: {r['import']:.2f} s; csv + bulk insert: {r['baseline']:.2f} s "
          f"(best of {args.rounds}); ratio {ratio:.2f} (target <= 3)")
    print(f"status cache refresh after the import (not part of the import): {r['refresh']:.2f} s")
    for kind, label in (("http", "HTTP client, real server"), ("test", "Flask test client")):
        for who, name in (("top", f"top manager ({args.people - 1} below)"), ("lead", "section lead")):
            page, health = r[f"{kind}_{who}"], r[f"{kind}_{who}_healthz"]
            ratio = page / health
            if kind == "http":
                ok &= ratio <= 10
            print(f"[{label}] team page, {name}: p95 {page * 1000:.1f} ms; /healthz p95 {health * 1000:.2f} ms; "
                  f"ratio {ratio:.1f}" + (" (target <= 10)" if kind == "http" else " (for information)"))
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

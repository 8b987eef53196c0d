"""Benchmark for retention (issue 17): 55,000 people with two years of history.

What is measured: one `retention run` (privacy.operations.run: every category, in batches of
RETENTION_BATCH_SIZE with a commit after each) against the yardstick, the equivalent bulk
DELETE/UPDATE statements alone (one statement per category and table, no batches, no
counting, one transaction, committed), on the same data in the same run. The loaded database
is saved once (a PostgreSQL template database, or a copy of the SQLite file) and restored
before every measured pass; the two alternate which goes first each round, each after the same
warm-up reads, and the best of each counts. Target: retention run <= 2 x yardstick.

The history: outbox mail (4 per person over two years, ~600 bytes of MIME each), audit
events (6 per person over 2.5 years, every tenth a search), log-in attempts, 10 % leavers
deactivated over three years, completions, exemptions, feed tokens, role grants, closure
rows, registrations and calendar replies to activities over two years.

Usage: python bench/retention.py [--db sqlite|postgresql] [--people N] [--batch N] [--rounds N]
Exit status 1 if the target is missed.
"""
from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchdb import database  # noqa: E402  (after the path is set)

os.environ.setdefault("VAKSAM_INSTANCE", tempfile.mkdtemp(prefix="vaksam-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-secret")
NOW = datetime(2026, 6, 30, 2, 0, tzinfo=UTC)
START = NOW - timedelta(days=730)
RAW = ("Subject: =?utf-8?q?P=C3=A5minnelse?=\r\nTo: x@region.example\r\n\r\n" + "Hej! " * 110).encode()


def spread(i: int, n: int, days: int) -> datetime:
    """The i-th of n moments spread evenly over `days` before NOW."""
    return NOW - timedelta(seconds=days * 86400 * (n - i) / n)


def chunks(rows: list[dict], size: int = 20_000):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def load(people: int) -> dict:
    """Insert the region and its history; returns the row counts."""
    from sqlalchemy import insert

    from extensions import db
    from models import (
        Activity,
        Attendee,
        AuditEvent,
        Campaign,
        Completion,
        Course,
        CourseVersion,
        Exemption,
        FeedToken,
        LoginAttempt,
        OutboxMessage,
        Person,
        PersonAncestor,
        Registration,
        RoleGrant,
        Unit,
    )

    counts: dict[str, int] = {}

    def put(model, rows):
        for part in chunks(rows):
            db.session.execute(insert(model), part)
        counts[model.__tablename__] = len(rows)

    put(Unit, [{"id": u, "key": f"U{u}", "name": f"Enhet {u}", "level": 0, "path": f"/{u}/", "active": True}
               for u in range(1, 101)])
    persons, ancestors = [], []
    for pid in range(1, people + 1):
        manager = None if pid == 1 else max(1, pid // 50)
        leaver = pid % 10 == 0
        persons.append({"id": pid, "username": f"user{pid}", "email": f"user{pid}@region.example",
                        "employee_number": str(100000 + pid), "given_name": f"Förnamn{pid % 97}",
                        "family_name": f"Efternamn{pid % 1013}", "display_name": f"Person {pid}",
                        "title": "Handläggare", "unit_id": pid % 100 + 1, "manager_id": manager,
                        "manager_unknown": False, "start_date": date(2015, 1, 1), "active": not leaver,
                        "deactivated_at": spread(pid, people, 1095) if leaver else None, "subtree_size": 0})
        if manager:
            ancestors.append({"ancestor_id": manager, "descendant_id": pid, "depth": 1})
    put(Person, persons)
    put(PersonAncestor, ancestors)
    put(RoleGrant, [{"person_id": p, "role": "comms", "source": "app", "granted_at": START}
                    for p in range(5, people + 1, 500)])
    put(FeedToken, [{"person_id": p, "token_hash": f"{p:064x}", "created_at": START} for p in range(1, people + 1, 20)])
    db.session.execute(insert(Course), [{"id": 1, "code": "SB", "name": "Säkert Beteende", "url": ""}])
    db.session.execute(insert(CourseVersion), [{"id": 1, "course_id": 1, "name": "SB 2024", "lms_name": "SB 2024",
                                                "published_on": date(2024, 9, 1)}])
    put(Completion, [{"person_id": p, "version_id": 1, "state": "completed", "completed_at": spread(p, people, 700),
                      "source": "import", "recorded_at": START} for p in range(1, people + 1)])
    put(Exemption, [{"person_id": p, "reason": "Föräldraledig", "starts_on": date(2025, 1, 1),
                     "ends_on": date(2025, 6, 1), "created_at": START} for p in range(3, people + 1, 40)])
    mails = 4 * people
    put(OutboxMessage, [{"idempotency_key": f"r{i}", "status": "sent", "recipient_email": f"user{i % people + 1}@x",
                         "recipient_name": "Person", "recipient_id": i % people + 1, "subject": "Påminnelse",
                         "body_text": "Hej! " * 60, "body_html": None, "raw": RAW, "message_id": f"<{i}@v>",
                         "attempts": 1, "next_attempt_at": spread(i, mails, 730), "sent_at": spread(i, mails, 730),
                         "created_at": spread(i, mails, 730), "related_type": "reminder_round"}
                        for i in range(mails)])
    events = 6 * people
    put(AuditEvent, [{"at": spread(i, events, 912), "actor_id": i % people + 1,
                      "action": "people.list" if i % 10 == 0 else "team.view", "target_type": "person",
                      "target_id": str(i % people + 1), "detail": {"q": f"namn{i}", "page": 1} if i % 10 == 0 else
                      {"count": 3}, "ip": f"10.0.{i % 250}.{i % 200}"} for i in range(events)])
    put(LoginAttempt, [{"username": f"user{i % people + 1}", "ip": "10.9.9.9", "success": True,
                        "at": spread(i, people, 60)} for i in range(people)])
    db.session.execute(insert(Campaign), [{"id": 1, "title": "Säkerhetsmånaden", "starts_on": START.date(),
                                           "ends_on": NOW.date(), "goals": "", "themes": [], "owner_id": 1}])
    acts = [{"id": a, "campaign_id": 1, "uid": f"a{a}@v", "sequence": 0, "title": f"Aktivitet {a}", "theme": "x",
             "kind": "lecture", "starts_at": spread(a, 200, 730), "ends_at": spread(a, 200, 730) + timedelta(hours=1),
             "organiser_id": 1, "whole_region": True, "capacity": 400, "status": "confirmed"} for a in range(1, 201)]
    put(Activity, acts)
    put(Registration, [{"activity_id": i % 200 + 1, "person_id": i + 1, "status": "registered",
                        "queued_at": START} for i in range(min(people, 40_000))])
    put(Attendee, [{"activity_id": i % 200 + 1, "person_id": i + 1, "wanted": True, "source": "registration"}
                   for i in range(min(people, 40_000))])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return counts


def warm_up() -> None:
    from sqlalchemy import text

    from extensions import db

    for table in ("person", "outbox_message", "audit_event", "login_attempt", "invite_registration",
                  "invite_attendee", "person_ancestor"):
        db.session.execute(text(f"SELECT count(*) FROM {table}"))
    db.session.rollback()


def yardstick_statements(run) -> list:
    """The same end actions as one bulk statement each (what a DBA would type by hand)."""
    from sqlalchemy import String, case, cast, delete, literal, or_, select, update

    from models import (
        Activity,
        Attendee,
        AuditEvent,
        Exemption,
        FeedToken,
        ImportBatch,
        LoginAttempt,
        OutboxMessage,
        Person,
        PersonAncestor,
        PersonStatus,
        Registration,
        RoleGrant,
    )
    from privacy import leavers as leaver_rules
    from privacy import purge

    leavers = select(Person.id).where(*leaver_rules.leaver_conditions(run)).scalar_subquery()
    names = select(Person.username).where(*leaver_rules.leaver_conditions(run)).scalar_subquery()
    past = select(Activity.id).where(Activity.ends_at < purge.registration_boundary(run)).scalar_subquery()
    events_cut, ip_cut = run.cutoff("audit_events"), run.cutoff("audit_addresses")
    return [
        update(OutboxMessage).where(OutboxMessage.created_at < run.cutoff("mail_content"),
                                    OutboxMessage.status.in_(purge.FINISHED), OutboxMessage.raw != b"")
        .values(body_text="", body_html=None, raw=b""),
        delete(AuditEvent).where(AuditEvent.at < events_cut),
        update(AuditEvent).where(AuditEvent.at.between(events_cut, ip_cut),
                                 or_(AuditEvent.ip.isnot(None), purge._search_term_present()))
        .values(ip=None, detail=case((purge._search_term_present(), purge._without_search_terms()),
                                     else_=AuditEvent.detail)),
        delete(LoginAttempt).where(LoginAttempt.at < run.cutoff("login_attempts")),
        update(ImportBatch).where(ImportBatch.created_at < run.cutoff("lms_problem_rows"),
                                  ImportBatch.problems.isnot(None)).values(problems=None),
        delete(PersonAncestor).where(or_(PersonAncestor.descendant_id.in_(leavers),
                                         PersonAncestor.ancestor_id.in_(leavers))),
        delete(RoleGrant).where(RoleGrant.person_id.in_(leavers)),
        delete(FeedToken).where(FeedToken.person_id.in_(leavers)),
        delete(LoginAttempt).where(LoginAttempt.username.in_(names)),
        update(Exemption).where(Exemption.person_id.in_(leavers)).values(reason=""),
        update(PersonStatus).where(PersonStatus.person_id.in_(leavers)).values(sort_name=""),
        update(OutboxMessage).where(OutboxMessage.recipient_id.in_(leavers)).values(recipient_email="",
                                                                                     recipient_name=""),
        update(Person).where(*leaver_rules.leaver_conditions(run)).values(
            username=literal(leaver_rules.PSEUDONYM_PREFIX, String) + cast(Person.id, String),
            display_name=literal("Gallrad person ", String) + cast(Person.id, String), given_name="",
            family_name="", email=None, employee_number=None, title=None, external_id=None, dn=None, dn_norm=None,
            manager_id=None, manager_unknown=False, password_hash=None, locale=None, pseudonymised_at=run.now),
        delete(Registration).where(Registration.activity_id.in_(past)),
        delete(Attendee).where(Attendee.activity_id.in_(past)),
    ]


def yardstick(batch: int) -> tuple[float, int]:
    """The bulk statements in one transaction, committed (the data is restored for the next round)."""
    from flask import current_app

    from extensions import db
    from privacy.purge import Run
    from privacy.retention import periods

    run = Run(NOW, periods(current_app.config), False, batch)
    statements = yardstick_statements(run)
    start = time.perf_counter()
    rows = 0
    for statement in statements:
        rows += db.session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0
    db.session.commit()
    return time.perf_counter() - start, rows


class Snapshot:
    """A copy of the loaded database, restored before every measured pass: a PostgreSQL template
    database (CREATE DATABASE … TEMPLATE), or a copy of the SQLite file."""

    def __init__(self, url: str):
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.postgres = self.url.get_backend_name() == "postgresql"

    def _admin(self):
        from sqlalchemy import create_engine

        return create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def save(self) -> None:
        from extensions import db

        db.session.remove()
        db.engine.dispose()
        if self.postgres:
            engine = self._admin()
            with engine.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE bench_copy TEMPLATE "{self.url.database}"')
            engine.dispose()
        else:
            shutil.copyfile(self.url.database, self.url.database + ".copy")

    def restore(self) -> None:
        from extensions import db

        db.session.remove()
        db.engine.dispose()
        if self.postgres:
            engine = self._admin()
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE "{self.url.database}"')
                conn.exec_driver_sql(f'CREATE DATABASE "{self.url.database}" TEMPLATE bench_copy')
            engine.dispose()
        else:
            shutil.copyfile(self.url.database + ".copy", self.url.database)


def retention(batch: int) -> tuple[float, dict, dict]:
    """The run as `retention run` does it (privacy.operations.run), timed per category too."""
    from privacy import purge

    original = dict(purge.OPERATIONS)
    per_category: dict[str, float] = {}

    def timed(name, operation):
        def wrapper(run):
            start = time.perf_counter()
            try:
                return operation(run)
            finally:
                per_category[name] = time.perf_counter() - start
        return wrapper

    from privacy import operations

    purge.OPERATIONS.update({name: timed(name, op) for name, op in original.items()})
    try:
        start = time.perf_counter()
        result = operations.run(NOW, batch_size=batch)
        elapsed = time.perf_counter() - start
    finally:
        purge.OPERATIONS.update(original)
    return elapsed, result, per_category


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=55_000)
    parser.add_argument("--batch", type=int, default=20000, help="RETENTION_BATCH_SIZE for the run.")
    parser.add_argument("--rounds", type=int, default=2, help="Rounds, alternating which goes first (best counts).")
    args = parser.parse_args()
    with database(args.db == "postgresql", "vaksam_bench") as url:
        return run(args, url)


def run(args, url: str) -> int:
    from flask_migrate import upgrade

    from app import create_app
    from extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING", "TESTING": True})
    bases, runs = [], []
    with app.app_context():
        upgrade()
        start = time.perf_counter()
        counts = load(args.people)
        print(f"setup on {db.engine.dialect.name}: {counts} ({time.perf_counter() - start:.1f} s)")
        snapshot = Snapshot(url)
        snapshot.save()
        for round_no in range(args.rounds):
            order = ("yardstick", "run") if round_no % 2 == 0 else ("run", "yardstick")
            for which in order:
                snapshot.restore()
                gc.collect()
                warm_up()
                if which == "yardstick":
                    base, base_rows = yardstick(args.batch)
                    bases.append(base)
                    print(f"round {round_no + 1}: yardstick {base:.2f} s ({base_rows} rows changed)")
                else:
                    took, result, per_category = retention(args.batch)
                    runs.append(took)
                    done = sum(c["done"] for c in result["categories"].values())
                    print(f"round {round_no + 1}: retention run {took:.2f} s ({done} items done; "
                          + ", ".join(f"{k} {v:.2f} s" for k, v in per_category.items()) + ")")
    print("items done: " + ", ".join(f"{k} {v['done']}" for k, v in result["categories"].items()))
    base, took = min(bases), min(runs)
    ratio = took / base if base else float("inf")
    ok = ratio <= 2 and result["ok"]
    print(f"best of {args.rounds}: retention run {took:.2f} s, bulk statements {base:.2f} s; ratio {ratio:.2f} "
          "(target <= 2)")
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

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
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchdb import database  # noqa: E402  (after the path is set)
from bench.history import NOW, load  # noqa: E402
from bench.snapshot import Snapshot  # noqa: E402

os.environ.setdefault("VAKSAM_INSTANCE", tempfile.mkdtemp(prefix="vaksam-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-secret")


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

"""A reminder round at region scale versus queueing the same number of ready-made messages.

    .venv/bin/python bench/reminders.py [--db sqlite|postgresql] [--people 20000] [--rounds 3]

Everyone in a generated region (bench/training.py's org: a director, förvaltningar, units,
sections, a manager at every level) is not done with a course due Saturday 30 November
2024, so on Monday 2 December at 09:00 the due-date round is open for all of them.

(a) baseline: `outbox.operations.enqueue` of exactly the messages the round produced (the
    same keys, recipients, subjects, texts and HTML, read back from the outbox): building
    the MIME message and inserting the row, which every mail needs anyway;
(b) `reminders.rounds.run_round(now)`: reads the statuses, works out the round, renders
    each person's text, queues it, records it, and queues one digest per manager.

The status cache is fresh before either is timed (the scheduler keeps it so). The rounds
alternate and the best of each counts. Target: b/a <= 1.5, i.e. the rules, the texts, the
records and the digest grouping add at most half of what queueing the mail costs.
Exit status 1 if missed.
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchdb import database  # noqa: E402  (after the path is set)

os.environ.setdefault("VAKSAM_INSTANCE", tempfile.mkdtemp(prefix="vaksam-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-secret")
NOW = datetime(2024, 12, 2, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(timezone.utc)
TARGET = 1.5


def _org_builder():
    spec = importlib.util.spec_from_file_location("bench_training", ROOT / "bench" / "training.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_org


def load_region(people: int) -> None:
    from datetime import date

    from sqlalchemy import insert

    from directory.tree import rebuild_closure, rebuild_unit_paths
    from extensions import db
    from models import Person, Unit
    from training import freshness, operations

    units, persons, _lead = _org_builder()(people)
    db.session.execute(insert(Unit), units)
    db.session.execute(insert(Person), persons)
    rebuild_unit_paths(db.session)
    rebuild_closure(db.session)
    course = operations.ensure_course("SB", "Säkert Beteende", duration_minutes=30).obj
    version = operations.ensure_version(course, "Säkert Beteende 2024", date(2024, 9, 15)).obj
    operations.ensure_requirement(course, operations.RequirementSpec(
        name="Alla", due_on=date(2024, 11, 30), current_version_id=version.id))
    db.session.commit()
    freshness.run_pending(NOW)
    db.session.expunge_all()


def captured() -> list[dict]:
    """The messages a round queued, as enqueue() arguments."""
    from sqlalchemy import select

    from extensions import db
    from models import OutboxMessage

    rows = db.session.execute(select(
        OutboxMessage.idempotency_key, OutboxMessage.recipient_email, OutboxMessage.recipient_name,
        OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html).order_by(OutboxMessage.id))
    return [{"key": k, "to": to, "to_name": name, "subject": subject, "text": text, "html": html}
            for k, to, name, subject, text, html in rows]


def baseline(messages: list[dict]) -> float:
    from extensions import db
    from outbox.operations import enqueue

    started = time.perf_counter()
    for m in messages:
        enqueue(m["key"], to=m["to"], to_name=m["to_name"], subject=m["subject"], text=m["text"], html=m["html"],
                now=NOW)
    db.session.commit()
    return time.perf_counter() - started


def round_() -> tuple[float, object]:
    from extensions import db
    from reminders.rounds import run_round

    started = time.perf_counter()
    report = run_round(NOW)
    db.session.commit()
    return time.perf_counter() - started, report


def reset() -> None:
    from sqlalchemy import delete

    from extensions import db
    from models import OutboxMessage, Reminder

    db.session.execute(delete(Reminder))
    db.session.execute(delete(OutboxMessage))
    db.session.commit()
    db.session.expunge_all()
    gc.collect()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with database(args.db == "postgresql", "vaksam_bench_reminders") as url:
        return run(args, url)


def run(args, url: str) -> int:
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING", "TESTING": True,
                      "BASE_URL": "https://vaksam.region.example"})
    with app.app_context():
        upgrade()
        load_region(args.people)
        a_times, b_times = [], []
        seconds, report = round_()
        messages = captured()
        b_times.append(seconds)
        reset()
        for i in range(args.rounds):
            a_times.append(baseline(messages))
            reset()
            if i:
                b_times.append(round_()[0])
                reset()
    a, b = min(a_times), min(b_times)
    print(f"{args.db}, {args.people} people: {report}")
    print(f"(a) enqueue of the same {len(messages)} messages: {a:.1f} s ({1000 * a / len(messages):.2f} ms per message)")
    print(f"(b) reminder round:                    {b:.1f} s ({1000 * b / args.people:.2f} ms per person)")
    print(f"b/a = {b / a:.2f} (target <= {TARGET})")
    return 0 if b / a <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

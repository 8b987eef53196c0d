"""The retention benchmark's region and its two years of history (bench/retention.py loads it
once, then restores a copy before every measured pass: bench/snapshot.py)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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


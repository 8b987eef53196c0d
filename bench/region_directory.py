"""A region whose people come from a real slapd (bench/load.py's directory sync phase): the
generated directory of bench/directory_sync.py is loaded into a throwaway slapd and a first
full sync fills the database, so a later full sync under load finds the same people, with
the 2 % changes the benchmark applies (moves, titles, managers, names).

`load_from_directory` returns the same user/ids dict as `bench.region.load`.
"""
from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, timedelta
from pathlib import Path

from bench.benchdb import settle
from bench.dirsync.region import SUFFIX, SYNC_DN, SYNC_PASSWORD, Region
from bench.dirsync.workers import ldap_settings
from bench.training import PASSWORD, completion_rows


def start_slapd(people: int, work: Path):
    """A slapd holding `people` generated people; returns (slapd, settings, change LDIF path)."""
    from tests.services import Slapd

    slapd = Slapd(suffix=SUFFIX, size_limit=500, unlimited_dn=SYNC_DN, unlimited_password=SYNC_PASSWORD)
    generated = Region(people)
    forward, _back, _changed = generated.changes()
    change = work / "sync-change.ldif"
    change.write_text(forward)
    slapd.load_ldif_offline(generated.ldif())
    slapd.start()
    job = {"ldap_url": slapd.uri.rstrip("/")}
    settings = {k: str(v) for k, v in ldap_settings(job).items()}
    return slapd, settings, change


def apply_changes(slapd, path: Path) -> None:
    subprocess.run(["ldapmodify", "-x", "-H", slapd.uri.rstrip("/"), "-D", slapd.admin_dn, "-w",
                    slapd.admin_password, "-f", str(path)], check=True, stdout=subprocess.DEVNULL)


def load_from_directory(url: str, settings: dict[str, str], completions_per_person: int = 3) -> dict:
    """First full sync into an empty database, then the course, completions, roles and the status cache."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, update

    from app import create_app
    from auth.operations import grant_role, hash_password
    from directory.sync import run_sync
    from extensions import db
    from invites import tokens as feed_tokens
    from models import Completion, Person, utcnow
    from training import freshness, operations

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING", "DEMO_MODE": False, **settings})
    with app.app_context():
        upgrade()
        result = run_sync(utcnow(), trigger="cli")
        if not result.ok:
            raise RuntimeError(f"first directory sync failed: {result.message}")
        director = db.session.scalar(select(Person.id).where(Person.manager_id.is_(None), Person.active.is_(True))
                                     .order_by(Person.subtree_size.desc()).limit(1))
        lead = db.session.scalar(select(Person.id).where(Person.subtree_size.between(10, 40))
                                 .order_by(Person.id).limit(1))
        employee = db.session.scalar(select(Person.id).where(Person.manager_id == lead, Person.subtree_size == 0)
                                     .order_by(Person.id).limit(1))
        ids = list(db.session.scalars(select(Person.id).where(Person.active.is_(True)).order_by(Person.id)))
        plain = [i for i in ids if i not in (director, lead, employee)]
        admin, comms = plain[-1], plain[-2]
        db.session.execute(update(Person).where(Person.id.in_([director, lead, employee, admin, comms])).values(
            password_hash=hash_password(PASSWORD)))
        grant_role(db.session.get(Person, admin), "admin", granted_by=None)
        grant_role(db.session.get(Person, comms), "comms", granted_by=None)
        course = operations.ensure_course("SB", "Säkert Beteende").obj
        versions = [operations.ensure_version(course, f"Säkert Beteende {y}", date(y, 9, 15)).obj
                    for y in (2022, 2023, 2024)]
        operations.ensure_requirement(course, operations.RequirementSpec(
            name="Alla", due_on=date(2024, 11, 30), new_starter_days=30, current_version_id=versions[2].id,
            transition_on=date(2024, 11, 30)))
        rows = completion_rows(len(ids), len(ids) * completions_per_person, [v.id for v in versions])
        for row in rows:
            row["person_id"] = ids[row["person_id"] - 1]
        for i in range(0, len(rows), 20_000):
            db.session.execute(insert(Completion), rows[i:i + 20_000])
        token = feed_tokens.create(db.session.get(Person, employee), utcnow())
        names = dict(db.session.execute(select(Person.id, Person.username).where(
            Person.id.in_([director, lead, employee, admin, comms]))).tuples().all())
        db.session.commit()
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        freshness.run_pending(utcnow())
        settle(db.engine)
        db.engine.dispose()
    return {"users": {"director": names[director], "lead": names[lead], "employee": names[employee],
                      "admin": names[admin], "comms": names[comms]},
            "person_id": employee, "feed": f"/kalender/{token}/mina.ics"}


def lms_csv(url: str, rows: int) -> bytes:
    """An LMS export for `rows` of the region's people (as bench.training.lms_csv, with their real usernames)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        people = conn.execute(text("SELECT id, username, email, employee_number FROM person WHERE active "
                                   "ORDER BY id LIMIT :n"), {"n": rows}).all()
    engine.dispose()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Anställningsnummer", "Användarnamn", "E-post", "Namn", "Kurs", "Status", "Slutförd"])
    for pid, username, email, number in people:
        day = date(2024, 9, 16) + timedelta(days=pid % 200)
        status = ("Godkänd", "Godkänd", "Godkänd", "Påbörjad", "Ej påbörjad")[pid % 5]
        moment = f"{day.isoformat()} {8 + pid % 9:02d}:{pid % 60:02d}" if status == "Godkänd" else ""
        writer.writerow([number or "", username, email or "", f"Person {pid}", "Säkert Beteende 2024", status, moment])
    return out.getvalue().encode("cp1252", errors="replace")

"""A generated region for the benchmarks (bench/training.py, bench/region.py, bench/load.py):
a director, förvaltningar, units and sections with their people, completions spread over
three course versions, and the LMS report for the newest one."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

PASSWORD = "bench-password-123"
FAN_OUT = (10, 10, 10)  # förvaltningar, enheter per förvaltning, sektioner per enhet


def build_org(people: int, fan_out: tuple[int, int, int] = FAN_OUT) -> tuple[list[dict], list[dict], int]:
    """Units and people rows for a region of `people`; returns (units, persons, id of one section lead)."""
    units, persons = [], []
    uid = pid = 0

    def unit(name, parent):
        nonlocal uid
        uid += 1
        units.append({"id": uid, "key": f"U{uid}", "name": name, "parent_id": parent, "level": 0, "path": "/",
                      "active": True})
        return uid

    def person(unit_id, manager, title):
        nonlocal pid
        pid += 1
        persons.append({"id": pid, "username": f"user{pid}", "email": f"user{pid}@region.example",
                        "employee_number": str(100000 + pid), "given_name": f"Förnamn{pid % 97}",
                        "family_name": f"Efternamn{pid % 1013}", "display_name": f"Person {pid}", "title": title,
                        "unit_id": unit_id, "manager_id": manager, "manager_unknown": False,
                        "start_date": date(2010, 1, 1) + timedelta(days=pid % 5000), "active": True,
                        "subtree_size": 0})
        return pid

    top = person(None, None, "Regiondirektör")
    leads = []
    for f in range(fan_out[0]):
        fu = unit(f"Förvaltning {f + 1}", None)
        fm = person(fu, top, "Förvaltningschef")
        for e in range(fan_out[1]):
            eu = unit(f"Enhet {f + 1}.{e + 1}", fu)
            em = person(eu, fm, "Verksamhetschef")
            for s in range(fan_out[2]):
                su = unit(f"Sektion {f + 1}.{e + 1}.{s + 1}", eu)
                leads.append((su, person(su, em, "Enhetschef")))
    i = 0
    while pid < people:
        su, lead = leads[i % len(leads)]
        person(su, lead, "Handläggare")
        i += 1
    return units, persons, leads[len(leads) // 2][1]


def completion_rows(people: int, count: int, versions: list[int]) -> list[dict]:
    """`count` completions spread unevenly over the people and the versions (older ones more often)."""
    base = datetime(2022, 1, 10, 8, 0, tzinfo=timezone.utc)
    weights = [0.45, 0.35, 0.20][:len(versions)]
    rows = []
    for i in range(count):
        pid = (i * 7919) % people + 1
        share = (i % 100) / 100
        version = versions[0] if share < weights[0] else versions[1] if share < weights[0] + weights[1] else versions[-1]
        rows.append({"person_id": pid, "version_id": version, "state": "completed",
                     "completed_at": base + timedelta(minutes=i), "source": "import", "recorded_at": base})
    return rows


def lms_csv(people: int) -> bytes:
    """One row per person for the 2024 version: 60 % passed, 20 % started, 20 % not started."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Anställningsnummer", "Användarnamn", "E-post", "Namn", "Kurs", "Status", "Slutförd"])
    for pid in range(1, people + 1):
        day = date(2024, 9, 16) + timedelta(days=pid % 200)
        status = ("Godkänd", "Godkänd", "Godkänd", "Påbörjad", "Ej påbörjad")[pid % 5]
        moment = f"{day.isoformat()} {8 + pid % 9:02d}:{pid % 60:02d}" if status == "Godkänd" else ""
        writer.writerow([str(100000 + pid), f"user{pid}", f"user{pid}@region.example", f"Person {pid}",
                         "Säkert Beteende 2024", status, moment])
    return out.getvalue().encode("cp1252")

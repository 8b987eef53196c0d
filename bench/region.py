"""A region-sized Vaksam for the page and load benchmarks: a throwaway PostgreSQL holding
55,000 people in 2,000+ units with their completions and a filled status cache, served by
gunicorn with the repository's gunicorn.conf.py (and, for the load benchmark, the scheduler).

Everything is started here and stopped when the `region()` context ends.
"""
from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchdb import database, settle  # noqa: E402
from bench.training import PASSWORD, build_org, completion_rows  # noqa: E402

os.environ.setdefault("VAKSAM_INSTANCE", tempfile.mkdtemp(prefix="vaksam-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-secret")
#: förvaltningar × enheter × sektioner: 10 + 150 + 2,100 = 2,260 units.
FAN_OUT = (10, 15, 14)


@dataclass
class Region:
    url: str
    base: str
    #: role ("director", "lead", "employee", "admin", "comms") -> username.
    users: dict[str, str]
    person_id: int  #: a person the lead may see (for the person page)
    feed: str  #: the employee's calendar feed path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    #: role -> session cookie (bench/load.py logs in once per role).
    cookies: dict[str, str] = field(default_factory=dict)
    #: directory=True: the slapd the people came from, its LDAP_* settings, an LDIF of 2 % changes.
    ldap: dict[str, str] = field(default_factory=dict)
    slapd: Any = None
    change_ldif: Path | None = None


def load(url: str, people: int, completions: int) -> dict:
    """Fill an empty database; returns the users and ids the benchmarks need."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, update

    from app import create_app
    from auth.operations import grant_role, hash_password
    from directory.tree import rebuild_closure, rebuild_unit_paths
    from extensions import db
    from invites import tokens as feed_tokens
    from models import Completion, Person, PersonAncestor, Unit, utcnow
    from training import freshness, operations

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        upgrade()
        units, persons, lead_id = build_org(people, FAN_OUT)
        db.session.execute(insert(Unit), units)
        for i in range(0, len(persons), 20_000):
            db.session.execute(insert(Person), persons[i:i + 20_000])
        rebuild_unit_paths(db.session)
        rebuild_closure(db.session)
        employee = db.session.scalar(select(PersonAncestor.descendant_id).where(
            PersonAncestor.ancestor_id == lead_id, PersonAncestor.depth == 1).limit(1)) or lead_id
        admin, comms = people - 1, people
        db.session.execute(update(Person).where(Person.id.in_([1, lead_id, employee, admin, comms])).values(
            password_hash=hash_password(PASSWORD)))
        grant_role(db.session.get(Person, admin), "admin", granted_by=None)
        grant_role(db.session.get(Person, comms), "comms", granted_by=None)
        course = operations.ensure_course("SB", "Säkert Beteende").obj
        versions = [operations.ensure_version(course, f"Säkert Beteende {y}", date(y, 9, 15)).obj
                    for y in (2022, 2023, 2024)]
        operations.ensure_requirement(course, operations.RequirementSpec(
            name="Alla", due_on=date(2024, 11, 30), new_starter_days=30, current_version_id=versions[2].id,
            transition_on=date(2024, 11, 30)))
        rows = completion_rows(people, completions, [v.id for v in versions])
        for i in range(0, len(rows), 20_000):
            db.session.execute(insert(Completion), rows[i:i + 20_000])
        token = feed_tokens.create(db.session.get(Person, employee), utcnow())
        db.session.commit()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        freshness.run_pending(utcnow())
        settle(db.engine)
        db.engine.dispose()
    return {"users": {"director": "user1", "lead": f"user{lead_id}", "employee": f"user{employee}",
                      "admin": f"user{admin}", "comms": f"user{comms}"},
            "person_id": employee, "feed": f"/kalender/{token}/mina.ics"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(url: str, **extra: str) -> dict:
    """Bytecode caches kept as in an installed release (docs/operations.md): ~0.2 s CPU per `flask` command."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "DATABASE_URL": url, "DEMO_MODE": "0", "LOG_LEVEL": "WARNING", "SESSION_COOKIE_SECURE": "0", **extra}


def start_gunicorn(url: str, workers: int | None, threads: int | None) -> tuple[subprocess.Popen, str]:
    """gunicorn with gunicorn.conf.py; `workers`/`threads` None: the shipped defaults."""
    port, log = _free_port(), open(Path(os.environ["VAKSAM_INSTANCE"]) / "gunicorn.log", "ab")
    sizes = {k: str(v) for k, v in (("GUNICORN_WORKERS", workers), ("GUNICORN_THREADS", threads)) if v is not None}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"], cwd=ROOT,
        env=_env(url, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_ACCESS_LOG="/dev/null", **sizes),
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, f"127.0.0.1:{port}"
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("gunicorn did not start; see gunicorn.log") from None
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def start_scheduler(url: str) -> subprocess.Popen:
    log = open(Path(os.environ["VAKSAM_INSTANCE"]) / "scheduler.log", "ab")
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "scheduler"], cwd=ROOT,
                            env=_env(url, TRAINING_REFRESH_SECONDS="15"), stdout=log, stderr=subprocess.STDOUT)


@contextmanager
def region(people: int = 55_000, completions: int = 150_000, workers: int | None = None, threads: int | None = None,
           scheduler: bool = False, name: str = "vaksam_region", directory: bool = False) -> Iterator[Region]:
    """A served region; `directory=True`: its people come from a throwaway slapd through a
    first full sync (bench/region_directory.py), so a later sync can run against it."""
    slapd = None
    with database(True, name) as url:
        try:
            started = time.perf_counter()
            if directory:
                from bench.region_directory import load_from_directory, start_slapd

                slapd, ldap, change = start_slapd(people, Path(os.environ["VAKSAM_INSTANCE"]))
                info = load_from_directory(url, ldap, completions // max(people, 1))
                print(f"setup: {people} people from slapd (first full sync), {completions} completions "
                      f"in {time.perf_counter() - started:.0f} s")
            else:
                info = load(url, people, completions)
                print(f"setup: {people} people, {completions} completions, "
                      f"{10 + 10 * FAN_OUT[1] + 10 * FAN_OUT[1] * FAN_OUT[2]} units in "
                      f"{time.perf_counter() - started:.0f} s")
            proc, base = start_gunicorn(url, workers, threads)
            found = Region(url, base, info["users"], info["person_id"], info["feed"], {"gunicorn": proc})
            if slapd is not None:
                found.slapd, found.ldap, found.change_ldif = slapd, ldap, change
            if scheduler:
                found.processes["scheduler"] = start_scheduler(url)
        except BaseException:
            if slapd is not None:
                slapd.stop()
            raise
        try:
            yield found
        finally:
            if slapd is not None:
                slapd.stop()
            for process in found.processes.values():
                process.terminate()
            for process in found.processes.values():
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


class Client:
    """One keep-alive HTTP/1.1 connection with a session cookie (one browser tab)."""

    def __init__(self, base: str, timeout: float = 60):
        host, port = base.split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
        self.cookie = ""
        #: Seconds from sending the last request to its first body byte (a streamed export's "freeze" figure).
        self.ttfb = 0.0
        self.first_byte = b""

    def request(self, method: str, path: str, body: str = "") -> tuple[int, int]:
        """(status, body bytes)."""
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=body or None, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # reconnect once (a recycled worker closed it)
            start = time.perf_counter()
            self.conn.request(method, path, body=body or None, headers=headers)
            response = self.conn.getresponse()
        self.first_byte = response.read(1)  # a streamed body's first chunk arrives with the headers
        self.ttfb = time.perf_counter() - start
        size = len(self.first_byte) + len(response.read())
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("vaksam_session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, size

    def get(self, path: str) -> tuple[int, int]:
        return self.request("GET", path)

    def text(self, path: str) -> str:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        try:
            self.conn.request("GET", path, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # reconnect once (a recycled worker closed it)
            self.conn.request("GET", path, headers=headers)
            response = self.conn.getresponse()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("vaksam_session="):
                self.cookie = value.split(";", 1)[0]
        return response.read().decode("utf-8")

    def csrf(self, path: str) -> str:
        return self.form_fields(path)["csrf_token"]

    def form_fields(self, path: str, form_class: str = "") -> dict[str, str]:
        """The hidden fields (the CSRF token among them) of the first form on `path`
        (whose class contains `form_class`, if given), as a browser would send them."""
        page = self.text(path)
        if form_class:
            start = page.find(f'class="{form_class}')
            page = page[page.rfind("<form", 0, start):] if start >= 0 else ""
        page = page[:page.find("</form>")] if "</form>" in page else page
        fields = {}
        for tag in re.findall(r"<input[^>]*>", page):
            name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
            if name and 'type="hidden"' in tag:
                fields[name.group(1)] = value.group(1) if value else ""
        if "csrf_token" not in fields:
            raise RuntimeError(f"no CSRF token on {path}")
        return fields

    def login(self, username: str) -> None:
        token = self.csrf("/login")
        status, _ = self.request("POST", "/login", urlencode({"username": username, "password": PASSWORD,
                                                              "csrf_token": token}))
        if status != 302:
            raise RuntimeError(f"log-in of {username} answered {status}")

    def close(self) -> None:
        self.conn.close()


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (gunicorn's workers), in MB."""
    total = 0
    pids = [pid] + [int(p) for p in _children(pid)]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def median(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] if ordered else float("nan")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, int(round(p * len(ordered))) - 1))] if ordered else float("nan")

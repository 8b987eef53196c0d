"""The measurements of the directory sync benchmark, each run in its own child process
(`run_worker` starts `bench/directory_sync.py --worker KIND JOB`), so a peak RSS belongs to
one backend alone."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.dirsync.region import ADMIN_GROUP_DN, COMMS_GROUP_DN, PAGE_SIZE, PEOPLE_DN, SYNC_DN, SYNC_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
#: The entry script: its `--worker` option runs one measurement.
ENTRY = ROOT / "bench" / "directory_sync.py"

# --- measurements (each in its own child process) -----------------------------------------------

def _rss_mb() -> float:
    """Peak RSS of this process so far. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    from the parent through fork and exec, so a worker would report the parent's size."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ldap_settings(job: dict) -> dict:
    return {"LDAP_URL": job["ldap_url"], "LDAP_ALLOW_PLAINTEXT": True, "LDAP_BIND_DN": SYNC_DN, "LDAP_BIND_PASSWORD": SYNC_PASSWORD,
            "LDAP_BASE_DN": PEOPLE_DN, "LDAP_SCHEMA": "openldap", "LDAP_USER_FILTER": "(objectClass=inetOrgPerson)",
            "LDAP_DISABLED_FILTER": "(description=disabled)", "LDAP_PAGE_SIZE": PAGE_SIZE, "LDAP_TIMEOUT": 60,
            "LDAP_ADMIN_GROUP_DN": ADMIN_GROUP_DN, "LDAP_COMMS_GROUP_DN": COMMS_GROUP_DN}


def worker_search(job: dict) -> dict:
    """(a): the bare paged search, best of `repeat` runs, nothing kept but a count."""
    import ldap3

    from directory.mapping import attribute_map, wanted_attributes

    attrs = wanted_attributes(attribute_map("openldap", environ={}))
    cfg = ldap_settings(job)
    times, cpu, count = [], [], 0
    for _ in range(job["repeat"]):
        t0, c0 = time.perf_counter(), time.process_time()
        server = ldap3.Server(cfg["LDAP_URL"], get_info=ldap3.NONE, connect_timeout=60)
        conn = ldap3.Connection(server, user=SYNC_DN, password=SYNC_PASSWORD, auto_bind=True, read_only=True,
                                raise_exceptions=False, receive_timeout=60)  # as directory.client connects
        cookie, count = None, 0
        while True:
            conn.search(PEOPLE_DN, cfg["LDAP_USER_FILTER"], search_scope=ldap3.SUBTREE, attributes=attrs,
                        paged_size=PAGE_SIZE, paged_cookie=cookie)
            assert conn.result["result"] == 0, conn.result
            count += sum(1 for e in conn.response if e["type"] == "searchResEntry")
            cookie = conn.result["controls"]["1.2.840.113556.1.4.319"]["value"]["cookie"]
            if not cookie:
                break
        conn.unbind()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    out = {"seconds": min(times), "all": times, "cpu": min(cpu), "entries": count, "attributes": attrs,
           "rss_mb": _rss_mb()}
    if job.get("client"):  # the same read through directory.client, fast decoding on and off
        from directory import client

        for fast in (True, False):
            settings = client.ServerSettings(url=cfg["LDAP_URL"], bind_dn=SYNC_DN, bind_password=SYNC_PASSWORD,
                                             timeout=60, page_size=PAGE_SIZE, fast_decode=fast)
            t0 = time.perf_counter()
            found = client.paged_search(settings, PEOPLE_DN, cfg["LDAP_USER_FILTER"], attrs)
            out["client_fast" if fast else "client_stock"] = time.perf_counter() - t0
            assert len(found.entries) == count
    return out


def worker_sync(job: dict) -> dict:
    """(b), (c) and (d) for one backend, in one process."""
    from datetime import datetime, timedelta, timezone

    os.environ["VAKSAM_INSTANCE"] = job["instance"]
    for name in [n for n in os.environ if n.startswith("LDAP_") or n in ("DATABASE_URL", "DEMO_MODE")]:
        del os.environ[name]
    from flask_migrate import upgrade

    from app import create_app
    from directory.changes import run_changes
    from directory.sync import run_sync

    app = create_app({"SQLALCHEMY_DATABASE_URI": job["database_url"], "SECRET_KEY": "bench", "DEMO_MODE": False,
                      "LOG_LEVEL": "WARNING", **ldap_settings(job)})
    out: dict = {"backend": job["backend"]}
    now = datetime.now(timezone.utc)
    with app.app_context():
        upgrade()
        out["rss_start_mb"] = _rss_mb()
        for phase, when in (("b", now), ("c", now + timedelta(hours=1)), ("d", now + timedelta(hours=2))):
            if phase == "d":
                ldapmodify(job, job["change_ldif"])
            t0, c0 = time.perf_counter(), time.process_time()
            result = run_sync(when, trigger="cli")
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            if not result.ok:
                raise SystemExit(f"sync {phase} failed: {result.message}")
            out[phase] = {"seconds": seconds, "cpu": cpu, "rss_mb": _rss_mb(), **result.counts()}
        for phase, when in (("m", now + timedelta(hours=3)), ("e", now + timedelta(hours=4))):
            if phase == "e":
                time.sleep(1.1)  # past the mark's second (OpenLDAP's modifyTimestamp has one-second steps)
                ldapmodify(job, job["incremental_ldif"])
            t0, c0 = time.perf_counter(), time.process_time()
            result = run_changes(when)
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            if not result.ok:
                raise SystemExit(f"incremental sync {phase} failed: {result.message}")
            out[phase] = {"seconds": seconds, "cpu": cpu, "rss_mb": _rss_mb(), **result.counts()}
    return out


def ldapmodify(job: dict, path: str) -> None:
    subprocess.run(["ldapmodify", "-x", "-H", job["ldap_url"], "-D", job["admin_dn"], "-w", job["admin_password"],
                    "-f", path], check=True, stdout=subprocess.DEVNULL)


def run_worker(kind: str, job: dict) -> dict:
    """Run one measurement in a fresh Python process; its last stdout line is the JSON answer."""
    proc = subprocess.run([sys.executable, str(ENTRY), "--worker", kind, json.dumps(job)], cwd=ROOT,
                          stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} measurement failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])

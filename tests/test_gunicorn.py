"""The production server: gunicorn with the repository's gunicorn.conf.py serves the app,
and its access log lines are JSON."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_healthz_with_a_json_access_log(migrated, tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": migrated, "SECRET_KEY": "test-secret", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2", "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
           "DEMO_MODE": "0", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, body = time.monotonic() + 60, None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    body = response.read()
            except OSError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                time.sleep(0.2)
        assert body is not None and response.status == 200
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (tmp_path / "access.log").read_text():
            time.sleep(0.1)
        line = json.loads((tmp_path / "access.log").read_text().splitlines()[-1])
        assert line["path"] == "/healthz" and line["status"] == 200 and line["duration_us"] >= 0
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_config_defaults_and_overrides(monkeypatch):
    """One worker per core (at least 2, at most 8), four threads, recycling as a leak guard only (20,000
    requests ± 2,000: at 2,000 two workers under 45 requests/s restarted every minute or two);
    each setting follows its environment variable."""
    import runpy

    for name in ("GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_MAX_REQUESTS", "GUNICORN_MAX_REQUESTS_JITTER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (conf["workers"], conf["threads"], conf["worker_class"]) == (2, 4, "gthread")
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (20000, 2000)
    monkeypatch.setattr(os, "cpu_count", lambda: 32)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 8
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 2
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "500")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (conf["workers"], conf["max_requests"]) == (3, 500)


def test_a_worker_freezes_the_loaded_app_out_of_the_collectors_reach():
    """`post_worker_init` loads the libraries the app imports on first use and moves everything
    into the permanent generation, so a full collection in a worker scans only what requests
    create (run in a fresh interpreter: freezing this test process would keep its garbage)."""
    code = ("import gc, runpy, sys; from app import create_app; create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
            "from jobs.batch import LOADED_ON_USE; conf = runpy.run_path('gunicorn.conf.py'); "
            "before = gc.get_freeze_count(); conf['post_worker_init'](None); "
            "print(before, gc.get_freeze_count(), gc.isenabled(), all(m in sys.modules for m in LOADED_ON_USE))")
    env = {**os.environ, "SECRET_KEY": "x" * 40, "DEMO_MODE": "0"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    before, after, enabled, loaded = done.stdout.split()
    assert before == "0" and int(after) > 100_000 and enabled == "True" and loaded == "True"

"""Real sender processes (`flask --app app outbox send`) against the same database."""
from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import time_machine
from sqlalchemy import func, select

from extensions import db
from models import OutboxMessage, utcnow
from outbox.sender import send_due

ROOT = Path(__file__).resolve().parents[2]


def sender_env(app, smtp, **extra) -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SMTP_HOST": smtp.host, "SMTP_PORT": str(smtp.port), "SMTP_STARTTLS": "0",
        "MAIL_FROM": app.config["MAIL_FROM"], "LOG_LEVEL": "WARNING",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start_sender(env) -> subprocess.Popen:
    flask = [sys.executable, "-m", "flask", "--app", "app", "outbox", "send", "--json"]
    return subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_sender_processes_never_send_the_same_row(app, smtp, queue):
    ids = queue(300)
    # 20 ms between messages per process: one alone would need 6 s, so both get going in time.
    env = sender_env(app, smtp, SMTP_MAX_PER_MINUTE=3000, OUTBOX_BATCH_SIZE=10)
    procs = [start_sender(env) for _ in range(2)]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    received = smtp.wait_for(300, timeout=30)
    per_id = collections.Counter(m.message["Message-ID"] for m in received)
    assert len(received) == 300 and max(per_id.values()) == 1  # no message twice
    assert sum(r["sent"] for r in reports) == 300
    assert all(r["sent"] > 0 for r in reports), reports  # both really worked at the same time
    db.session.expire_all()
    statuses = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    assert statuses == [("sent", 300)] and len(ids) == 300


def test_killed_sender_resends_at_most_one_message(app, smtp, queue):
    queue(20)
    env = sender_env(app, smtp, SMTP_MAX_PER_MINUTE=600, OUTBOX_BATCH_SIZE=50)  # 0.1 s apart
    proc = start_sender(env)
    smtp.wait_for(5, timeout=60)
    proc.send_signal(signal.SIGKILL)  # no chance to clean up: rows stay "sending"
    proc.communicate(timeout=30)
    db.session.expire_all()
    stuck = db.session.scalar(select(func.count()).where(OutboxMessage.status == "sending"))
    assert stuck > 0
    with time_machine.travel(utcnow() + timedelta(seconds=app.config["OUTBOX_CLAIM_SECONDS"] + 1), tick=True):
        report = send_due()
    assert report.recovered == stuck
    received = collections.Counter(m.subject for m in smtp.messages)
    assert set(received) == {f"test {i}" for i in range(20)}  # every message arrived
    assert sum(received.values()) - 20 <= 1  # and at most the one in flight came twice

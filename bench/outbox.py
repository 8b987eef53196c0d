"""Outbox throughput vs a bare smtplib loop, in the same run, against a local aiosmtpd sink.

    .venv/bin/python bench/outbox.py [--messages 10000] [--repeats 3] [--postgres]

What is measured: SENDING. 10,000 messages are enqueued first (enqueue builds the MIME
message and stores it in the row; timed and printed separately, not in the ratio). Then
`send_due()` sends them: claim batches, stamp the Date header, send over one SMTP
connection, mark each row sent and commit per message. The baseline is a bare smtplib
loop over one connection sending the same stored bytes (stamped with a Date the same
way). For the full picture it also prints a bare loop that builds every message on the
way, compared with enqueue + send. Pacing is off (SMTP_MAX_PER_MINUTE=0).

The sink runs in its own process (so it does not compete for the GIL) and is started
afresh for every run; the variants alternate in order, and the median of the rounds is
reported, because the run-to-run noise of a small shared machine is large.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import smtplib
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TEXT = ("Hej {name}!\n\nDu har ännu inte gjort webbutbildningen Säkert Beteende. Den tar ungefär 20 minuter "
        "och ska vara klar senast 31 oktober.\n\nStarta kursen: https://vaksam.region.example/kurs/sakert-beteende\n\n"
        "Vänliga hälsningar\nSäkerhetsenheten\n")
HTML = ("<!doctype html><html lang=\"sv\"><body><p>Hej {name}!</p><p>Du har ännu inte gjort webbutbildningen "
        "<strong>Säkert Beteende</strong>. Den tar ungefär 20 minuter och ska vara klar senast 31 oktober.</p>"
        "<p><a href=\"https://vaksam.region.example/kurs/sakert-beteende\">Starta kursen</a></p>"
        "<p>Vänliga hälsningar<br>Säkerhetsenheten</p></body></html>")
MAIL_FROM = "Vaksam <vaksam@region.example>"


def sink(port: int, ready, received) -> None:
    """An aiosmtpd server that accepts and counts messages, nothing else."""
    from aiosmtpd.controller import Controller

    class Count:
        async def handle_DATA(self, server, session, envelope):
            with received.get_lock():
                received.value += 1
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def start_sink() -> tuple[multiprocessing.Process, int, object]:
    from tests.services import free_port

    port = free_port()
    ready, received = multiprocessing.Event(), multiprocessing.Value("i", 0)
    proc = multiprocessing.Process(target=sink, args=(port, ready, received), daemon=True)
    proc.start()
    if not ready.wait(15):
        raise SystemExit("the SMTP sink did not start")
    return proc, port, received


def messages(n: int) -> list[dict]:
    return [{"key": f"bench:{i}", "to": f"person{i}@region.example", "to_name": f"Person {i} Exempelsson",
             "subject": f"Påminnelse: Säkert Beteende ({i})", "text": TEXT.format(name=f"Person {i}"),
             "html": HTML.format(name=f"Person {i}")} for i in range(n)]


def build(m: dict, index: int):
    from outbox.mime import build_message

    return build_message(mail_from=MAIL_FROM, to_address=m["to"], to_name=m["to_name"], subject=m["subject"],
                         text=m["text"], html=m["html"], message_id=f"<bench.{index}@region.example>",
                         date=datetime.now(timezone.utc))


def make_app(database_url: str):
    from flask_migrate import upgrade

    from app import create_app
    from extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": 25,
                      "SMTP_STARTTLS": False, "SMTP_MAX_PER_MINUTE": 0, "OUTBOX_BATCH_SIZE": 500,
                      "OUTBOX_RUN_SECONDS": 3600, "MAIL_FROM": MAIL_FROM, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


def enqueue_all(msgs: list[dict]) -> float:
    from extensions import db
    from outbox.operations import enqueue

    start = time.perf_counter()
    for m in msgs:
        enqueue(m["key"], to=m["to"], to_name=m["to_name"], subject=m["subject"], text=m["text"], html=m["html"])
    db.session.commit()
    return time.perf_counter() - start


def requeue_all() -> None:
    """Put every message back in the queue, so the next outbox run sends the same ones again."""
    from sqlalchemy import update

    from extensions import db
    from models import OutboxMessage

    db.session.execute(update(OutboxMessage).values(status="queued", attempts=0, sent_at=None,
                                                    next_attempt_at=OutboxMessage.created_at))
    db.session.commit()


def stored_messages() -> list[tuple[str, bytes]]:
    """The very messages the outbox sends: (recipient, stored MIME bytes)."""
    from sqlalchemy import select

    from extensions import db
    from models import OutboxMessage

    return [(r.recipient_email, bytes(r.raw)) for r in
            db.session.execute(select(OutboxMessage.recipient_email, OutboxMessage.raw).order_by(OutboxMessage.id))]


def bare_loop(port: int, stored: list[tuple[str, bytes]], msgs: list[dict], building: bool) -> float:
    """smtplib over one connection: the stored bytes, or each message built on the way."""
    from outbox.mime import render, stamp_date

    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as conn:
        for i, (to, raw) in enumerate(stored):
            data = render(build(msgs[i], i)) if building else stamp_date(raw, datetime.now(timezone.utc))
            conn.sendmail("vaksam@region.example", [to], data)
    return time.perf_counter() - start


def outbox_send(app, port: int) -> float:
    from outbox.sender import send_due

    requeue_all()
    app.config["SMTP_PORT"] = port
    start = time.perf_counter()
    report = send_due()
    seconds = time.perf_counter() - start
    assert report.sent == report.claimed and not report.error, report
    return seconds


def measure(run, n: int) -> float:
    """One measurement against a fresh sink (the sink slows down as it ages)."""
    proc, port, received = start_sink()
    try:
        seconds = run(port)
        deadline = time.monotonic() + 10
        while received.value < n and time.monotonic() < deadline:
            time.sleep(0.05)
        assert received.value == n, (received.value, n)
        return seconds
    finally:
        proc.terminate()
        proc.join(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3, help="rounds; the median of each is reported")
    parser.add_argument("--postgres", action="store_true", help="use a throwaway PostgreSQL instead of SQLite")
    args = parser.parse_args()
    os.environ.setdefault("VAKSAM_INSTANCE", tempfile.mkdtemp(prefix="vaksam-bench-"))
    os.environ.setdefault("SECRET_KEY", "bench")
    for name in [n for n in os.environ if n.startswith("SMTP_") or n == "DATABASE_URL"]:
        del os.environ[name]
    pg = None
    if args.postgres:
        from tests.services import Postgres

        pg = Postgres().start()
        database_url = pg.create_database("vaksam_bench")
    else:
        database_url = f"sqlite:///{Path(os.environ['VAKSAM_INSTANCE']) / 'bench.db'}"
    try:
        app = make_app(database_url)
        msgs = messages(args.messages)
        n = len(msgs)
        with app.app_context():
            enqueue_seconds = enqueue_all(msgs)
            stored = stored_messages()
            runs = {"bare": [], "bare_building": [], "outbox": []}
            for round_no in range(args.repeats):
                variants = [("bare", lambda port: bare_loop(port, stored, msgs, building=False)),
                            ("bare_building", lambda port: bare_loop(port, stored, msgs, building=True)),
                            ("outbox", lambda port: outbox_send(app, port))]
                if round_no % 2:
                    variants.reverse()  # neither side always goes first
                for name, run in variants:
                    runs[name].append(measure(run, n))
    finally:
        if pg is not None:
            pg.stop()
    report(n, "PostgreSQL" if args.postgres else "SQLite", enqueue_seconds, runs)


def report(n: int, backend: str, enqueue_seconds: float, runs: dict[str, list[float]]) -> None:
    median = {name: statistics.median(values) for name, values in runs.items()}
    rate = lambda seconds: n / seconds  # noqa: E731
    print(f"{n} messages, {backend}, aiosmtpd sink in its own process (fresh per run), "
          f"median of {len(runs['outbox'])} runs")
    print(f"  enqueue incl. building MIME (not in the ratio): {enqueue_seconds:7.2f} s {rate(enqueue_seconds):7.0f} msg/s")
    print(f"  bare smtplib loop, the stored bytes:            {median['bare']:7.2f} s {rate(median['bare']):7.0f} msg/s")
    print(f"  bare smtplib loop, building each message:       {median['bare_building']:7.2f} s "
          f"{rate(median['bare_building']):7.0f} msg/s")
    print(f"  outbox send_due():                              {median['outbox']:7.2f} s {rate(median['outbox']):7.0f} msg/s")
    ratio = median["bare"] / median["outbox"]
    print(f"  ratio outbox / bare loop (same bytes):          {ratio:7.2f}   (target >= 0.5)")
    print(f"  ratio (enqueue + send) / bare loop building:    "
          f"{median['bare_building'] / (enqueue_seconds + median['outbox']):7.2f}")
    print("  all runs (s): " + "; ".join(f"{k}: {', '.join(f'{v:.2f}' for v in vals)}" for k, vals in runs.items()))
    if ratio < 0.5:
        raise SystemExit("outbox throughput below 0.5x the bare loop")


if __name__ == "__main__":
    main()

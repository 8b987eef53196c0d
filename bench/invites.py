"""Invitations and feeds under load, each against a baseline measured in the same run.

    /work/main/.venv/bin/python bench/invites.py [--people 5000] [--feed 500] [--requests 50] [--postgres]

1. Invitations: one activity's audience of 5,000 people invited with
   `invites.operations.invite_audience` (audience resolved, attendee rows written, the
   calendar built, 5,000 personalised messages enqueued in the outbox, committed), against
   building the same 5,000 messages (the same subject, text, HTML and calendar bytes, read
   back from the outbox) as `email.message.EmailMessage`s with the standard library alone.
   Target: ratio ≤ 2. The baseline's build+serialise time is printed too.
2. Feed: a campaign of 500 activities served by the Flask test client, 50 requests, p95,
   against the p95 of 50 requests to /healthz with the same client. Target: ratio ≤ 5.
   Also printed: the first (uncached) request, a 304 revalidation, and the personal feed.

3. Replies (bench/invite_replies.py): 5,000 attendees' answers in a real IMAP mailbox (Dovecot)
   read by `invites.replies.poll`, against fetching and parsing them with imaplib, email and
   icalendar alone. Target: ratio ≤ 2. Run once (the poll moves the messages away).

Each measurement is repeated (--repeats, default 3) and the median is reported.
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.benchdb import database  # noqa: E402  (after the path is set)

MAIL_FROM = "Vaksam <vaksam@region.example>"


def make_app(database_url: str):
    from flask_migrate import upgrade

    from app import create_app
    from extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "MAIL_FROM": MAIL_FROM,
                      "LOG_LEVEL": "WARNING",
                      "INVITE_ORGANIZER": "Informationssäkerhet <sakerhet@region.example>",
                      "BASE_URL": "https://vaksam.region.example", "WTF_CSRF_ENABLED": False, "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


def seed(people: int, feed_size: int, now: datetime) -> dict:
    """People, a planner, one activity for everyone, and a campaign of `feed_size` activities."""
    from auth.operations import grant_role
    from campaign import activities as ops
    from extensions import db
    from models import Person, Unit

    unit = Unit(key="BENCH", name="Bänkenheten")
    db.session.add(unit)
    db.session.flush()
    db.session.execute(Person.__table__.insert(), [
        {"username": f"p{i}", "given_name": f"Person{i}", "family_name": "Exempelsson",
         "display_name": f"Person{i} Exempelsson", "email": f"p{i}@region.example", "unit_id": unit.id,
         "active": True, "locale": "sv", "subtree_size": 0, "created_at": now, "updated_at": now,
         "start_date": date(2020, 1, 1)} for i in range(people)])
    planner = Person(username="planner", given_name="Kim", family_name="Planerare", display_name="Kim Planerare",
                     email="kim@region.example", unit_id=unit.id)
    db.session.add(planner)
    db.session.flush()
    grant_role(planner, "comms", granted_by=None)
    start = now + timedelta(days=30)

    def activity(campaign, i: int, title: str):
        when = start + timedelta(hours=3 * i)
        return ops.save_activity(campaign, ops.ActivityData(
            title=title, description="Om säker hantering av information, med frågor och svar. " * 3,
            theme="Säkert Beteende", kind="lecture", starts_at=when, ends_at=when + timedelta(hours=1),
            place="Aulan, Regionhuset", online_url="https://teams.example/m/123", whole_region=True, capacity=None,
            organiser_id=planner.id, status="confirmed"), planner, now)

    def campaign(title: str):
        return ops.save_campaign(ops.CampaignData(title, start.date(), (start + timedelta(days=90)).date(), "",
                                                  ["Säkert Beteende"], planner.id), planner, now)

    invites_campaign = campaign("Inbjudningar")
    feed = campaign("Flödet")
    for i in range(feed_size):
        activity(feed, i, f"Föreläsning {i}: Klassa din information")
    db.session.commit()
    return {"planner": planner, "campaign": invites_campaign, "feed": feed, "activity": activity}


def bench_invitations(ctx: dict, round_no: int, now: datetime) -> tuple[float, float, float, int]:
    """(seconds to invite everyone, seconds to build the same messages with email, build + serialise, count)."""
    from sqlalchemy import select

    from extensions import db
    from invites.operations import invite_audience
    from models import OutboxMessage

    act = ctx["activity"](ctx["campaign"], round_no, f"Lunchföreläsning {round_no}: Nätfiske")
    db.session.commit()
    started = time.perf_counter()
    report = invite_audience(act, now)
    db.session.commit()
    ours = time.perf_counter() - started

    rows = db.session.execute(select(OutboxMessage.id, OutboxMessage.recipient_email, OutboxMessage.recipient_name,
                                     OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html,
                                     OutboxMessage.message_id, OutboxMessage.raw)
                              .where(OutboxMessage.related_id == str(act.id)).order_by(OutboxMessage.id)).all()
    calendars = {r.id: calendar_part(r.raw) for r in rows}  # the stored MIME message's text/calendar
    db.session.commit()
    started = time.perf_counter()
    built = [stdlib_message(r, calendars[r.id]) for r in rows]
    baseline = time.perf_counter() - started
    for msg in built:
        msg.as_bytes()
    serialised = time.perf_counter() - started
    assert report.queued == len(rows) == len(built)
    return ours, baseline, serialised, report.queued


def calendar_part(raw: bytes) -> bytes:
    """The text/calendar alternative of a stored message (the invitation's iCalendar bytes)."""
    from email import message_from_bytes

    for part in message_from_bytes(bytes(raw)).walk():
        if part.get_content_type() == "text/calendar":
            return part.get_payload(decode=True)
    raise AssertionError("no text/calendar part")


def stdlib_message(row, ics: bytes) -> EmailMessage:
    """The same invitation with the email package alone: mixed(alternative(plain, html, calendar), .ics)."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = "Informationssäkerhet <sakerhet@region.example>"
    msg["To"] = f"{row.recipient_name} <{row.recipient_email}>"
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = row.message_id
    msg.set_content(row.body_text, cte="quoted-printable")
    msg.add_alternative(row.body_html, subtype="html", cte="quoted-printable")
    msg.add_alternative(ics, "text", "calendar", params={"charset": "utf-8", "method": "REQUEST"})
    msg.add_attachment(ics, "application", "ics", filename="invite.ics")
    return msg


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def timed_gets(client, url: str, n: int, headers=None, status: int = 200) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url, headers=headers or {})
        out.append(time.perf_counter() - started)
        assert response.status_code == status, (url, response.status_code)
    return out


def bench_feed(app, ctx: dict, requests: int, now: datetime) -> dict:
    from extensions import db
    from invites import feeds, tokens

    token = tokens.create(ctx["planner"], now)
    db.session.commit()
    client = app.test_client()
    url = f"/kalender/{token}/kampanj/{ctx['feed'].id}.ics"
    feeds.clear_cache()
    started = time.perf_counter()
    first = client.get(url)
    cold = time.perf_counter() - started
    assert first.status_code == 200 and first.get_data().count(b"BEGIN:VEVENT") == len(ctx["feed"].activities)
    timed_gets(client, "/healthz", 5)  # warm both paths the same way
    feed = timed_gets(client, url, requests)
    health = timed_gets(client, "/healthz", requests)
    revalidate = timed_gets(client, url, requests, {"If-None-Match": first.headers["ETag"]}, status=304)
    personal = timed_gets(client, f"/kalender/{token}/mina.ics", requests)
    return {"cold": cold, "feed_p95": p95(feed), "healthz_p95": p95(health), "304_p95": p95(revalidate),
            "personal_p95": p95(personal), "bytes": len(first.get_data())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--feed", type=int, default=500)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL instead of SQLite")
    parser.add_argument("--replies", type=int, default=5000, help="answers in the mailbox (0: skip the reply run)")
    args = parser.parse_args()

    with database(args.postgres, "vaksam_bench") as url:
        run(url, args)


def run(url: str, args) -> None:
    from models import utcnow

    app = make_app(url)
    with app.app_context():
        now = utcnow()
        ctx = seed(args.people, args.feed, now)
        rounds = [bench_invitations(ctx, i, now) for i in range(args.repeats)]
        ours, baseline, serialised = (statistics.median(r[i] for r in rounds) for i in range(3))
        print(f"backend: {url.split(':')[0]}")
        print(f"invitations: {rounds[0][3]} people, invite_audience {ours:.2f} s, email package build "
              f"{baseline:.2f} s (build + serialise {serialised:.2f} s): ratio {ours / baseline:.2f} (target ≤ 2)")
        results = [bench_feed(app, ctx, args.requests, utcnow()) for _ in range(args.repeats)]
        feed = {k: statistics.median(r[k] for r in results) for k in results[0]}
        ratio = feed["feed_p95"] / feed["healthz_p95"]
        print(f"feed: {args.feed} activities ({feed['bytes'] / 1024:.0f} KiB), p95 of {args.requests}: "
              f"{feed['feed_p95'] * 1000:.2f} ms, /healthz p95 {feed['healthz_p95'] * 1000:.2f} ms: "
              f"ratio {ratio:.2f} (target ≤ 5)")
        print(f"feed: first request (builds the calendar) {feed['cold'] * 1000:.0f} ms, 304 revalidation p95 "
              f"{feed['304_p95'] * 1000:.2f} ms, personal feed p95 {feed['personal_p95'] * 1000:.2f} ms")
        if args.replies:
            run_replies(app, ctx, args.replies, now)


def run_replies(app, ctx: dict, count: int, now: datetime) -> None:
    from sqlalchemy import select

    from bench.invite_replies import bench_replies
    from extensions import db
    from invites.operations import invite_audience
    from models import Person

    act = ctx["activity"](ctx["campaign"], 999, "Svarsrundan: Acceptera eller Avböj")
    db.session.commit()
    invite_audience(act, now)
    db.session.commit()
    people = db.session.execute(select(Person.id, Person.email).where(Person.username.like("p%"))
                                .order_by(Person.id).limit(count)).all()
    r = bench_replies(app, [(pid, address) for pid, address in people], act, now)
    print(f"replies: {r['replies']} answers in the mailbox (appended in {r['appended']:.1f} s), "
          f"poll {r['ours']:.2f} s, imaplib + email + icalendar alone {r['baseline']:.2f} s: "
          f"ratio {r['ours'] / r['baseline']:.2f} (target ≤ 2)")


if __name__ == "__main__":
    main()

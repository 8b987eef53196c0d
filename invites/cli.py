"""`flask --app app invites …`: invite an activity's audience, bring invitations up to date,
write an activity's .ics, revoke someone's feed link."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from extensions import db
from models import Activity, Person, utcnow

invites_group = AppGroup("invites", help="Calendar invitations and feeds.")


def _activity(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise click.ClickException(f"No such activity: {activity_id}")
    return activity


@invites_group.command("send")
@click.argument("activity_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def send_command(activity_id, as_json):
    """Invite the activity's audience (activities without a capacity)."""
    from invites.operations import InviteError, invite_audience
    from invites.recurrence import RecurrenceError

    try:
        report = invite_audience(_activity(activity_id), utcnow())
        db.session.commit()
    except RecurrenceError:
        raise  # a stored rule that cannot be expanded is a bug, not a refusal to explain
    except InviteError as error:
        db.session.rollback()
        raise click.ClickException(f"Cannot invite: {error.code}") from None
    click.echo(json.dumps(report.as_json()) if as_json else f"Queued {report.queued}, no address {report.no_address}")


@invites_group.command("sync")
@click.argument("activity_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def sync_command(activity_id, as_json):
    """Send updates or cancellations the activity's attendees have not had yet (normally automatic)."""
    from invites.operations import activity_changed

    report = activity_changed(_activity(activity_id), utcnow())
    db.session.commit()
    click.echo(json.dumps(report.as_json()) if as_json else f"Queued {report.queued}, up to date {report.up_to_date}")


@invites_group.command("ics")
@click.argument("activity_id", type=int)
def ics_command(activity_id):
    """Write the activity's .ics (METHOD:PUBLISH) to standard output."""
    from invites.content import publish

    sys.stdout.buffer.write(publish(_activity(activity_id)))


@invites_group.command("revoke-feed")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True)
def revoke_feed_command(username, as_json):
    """Stop a person's feed link from working (a lost phone, a leaked link)."""
    from invites.tokens import revoke

    person = db.session.scalar(select(Person).where(Person.username == username.lower()))
    if person is None:
        raise click.ClickException(f"No such user: {username}")
    revoked = revoke(person, utcnow())
    db.session.commit()
    click.echo(json.dumps({"revoked": revoked}) if as_json else ("Revoked" if revoked else "No active link"))


@invites_group.command("poll-replies")
@click.option("--json", "as_json", is_flag=True)
def poll_replies_command(as_json):
    """Read attendees' answers from the organiser mailbox once (the scheduler does it every IMAP_POLL_SECONDS)."""
    from invites.mailbox import MailboxError
    from invites.replies import poll

    try:
        report = poll(utcnow())
    except MailboxError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(report.as_json()))
    else:
        click.echo(report.skipped or f"Read {report.read}: {report.by_outcome}; left {report.left}; "
                   f"moved up from waiting lists {report.promoted}")

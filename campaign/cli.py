"""`flask --app app campaign …`: run the send poll by hand, copy a campaign to next year."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from extensions import db
from models import Campaign, Person, utcnow

campaign_group = AppGroup("campaign", help="Campaigns and the communication plan.")


@campaign_group.command("send-due")
@click.option("--json", "as_json", is_flag=True)
def send_due_command(as_json):
    """Send the plan messages whose time has come (what the scheduled job does)."""
    from campaign.sending import send_due

    summary = send_due(utcnow())
    if as_json:
        click.echo(json.dumps({"sent": summary.sent, "mails": summary.mails, "no_address": summary.no_address,
                               "tasks": summary.tasks, "returned_to_review": summary.returned}))
    else:
        click.echo(str(summary))


@campaign_group.command("copy")
@click.argument("campaign_id", type=int)
@click.option("--as-user", "username", required=True, help="The planner (comms or admin) doing the copy.")
@click.option("--json", "as_json", is_flag=True)
def copy_command(campaign_id, username, as_json):
    """Copy a campaign to the next year (same weekday of the same ISO week)."""
    from campaign.activities import copy_to_next_year
    from campaign.operations import PlanError

    campaign = db.session.get(Campaign, campaign_id)
    actor = db.session.scalar(select(Person).where(Person.username == username.lower()))
    if campaign is None or actor is None:
        raise click.ClickException("No such campaign" if campaign is None else f"No such user: {username}")
    try:
        report = copy_to_next_year(campaign, actor, utcnow())
        db.session.commit()
    except PlanError as error:
        db.session.rollback()
        raise click.ClickException(f"Cannot copy: {error.code}") from None
    result = {"campaign_id": report.campaign.id, "title": report.campaign.title, "activities": report.activities,
              "messages": report.messages, "outside_period": report.outside_period}
    click.echo(json.dumps(result) if as_json else f"Copied to {result['title']!r}: {result}")

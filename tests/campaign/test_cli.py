"""`flask campaign …` commands."""
from __future__ import annotations

import json
from datetime import date, timedelta

import time_machine

from campaign.activities import CampaignData, save_campaign
from extensions import db
from models import utcnow


def test_send_due_reports_as_json(app, runner, region, make_message):
    message = make_message("scheduled", now=utcnow(), planned_at=(utcnow() + timedelta(hours=1)).replace(microsecond=0),
                           audience="units", units=[region["units"]["rs"]])
    result = runner.invoke(args=["campaign", "send-due", "--json"])
    assert json.loads(result.output) == {"sent": 0, "mails": 0, "no_address": 0, "tasks": 0, "returned_to_review": []}
    with time_machine.travel(message.planned_at + timedelta(minutes=1), tick=True):
        result = runner.invoke(args=["campaign", "send-due", "--json"])
    assert json.loads(result.output)["mails"] == 3


def test_copy_command(app, runner, region):
    comms = region["comms"]
    campaign = save_campaign(CampaignData("Månaden 2031", date(2031, 10, 1), date(2031, 10, 31), "", ["Tema"], comms.id),
                             comms, utcnow())
    db.session.commit()
    result = runner.invoke(args=["campaign", "copy", str(campaign.id), "--as-user", "comms", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["title"] == "Månaden 2032"
    result = runner.invoke(args=["campaign", "copy", str(campaign.id), "--as-user", "anna"])
    assert result.exit_code != 0 and "Cannot copy: not_planner" in result.output
    result = runner.invoke(args=["campaign", "copy", "999", "--as-user", "comms"])
    assert result.exit_code != 0 and "No such campaign" in result.output

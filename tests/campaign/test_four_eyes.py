"""Four-eyes approval: a plan message is approved by someone other than the person who
last changed its content or sent it for review (PLAN_FOUR_EYES, on by default)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from campaign import operations
from campaign.operations import PlanError
from extensions import db
from models import PlanMessage
from tests.campaign.conftest import FUTURE


def test_the_one_who_sent_it_for_review_cannot_approve_it(app, region, make_message):
    message = make_message("review")  # written and submitted by comms
    with pytest.raises(PlanError) as error:
        operations.move(message, "approve", region["comms"], FUTURE)
    assert error.value.code == "four_eyes" and message.status == "review"
    assert operations.move(message, "approve", region["admin"], FUTURE) is True
    assert message.status == "approved"


def test_the_last_to_change_the_content_cannot_approve_it(app, region, make_message):
    message = make_message("review", by=region["admin"])  # admin wrote and submitted
    data = operations.MessageData(title="Ny rubrik", body=message.body, channel=message.channel,
                                  audience=message.audience, planned_at=message.planned_at,
                                  owner_id=message.owner_id, unit_ids=[], campaign_id=None)
    operations.update_message(message, data, region["comms"], FUTURE)  # comms changes the text
    db.session.commit()
    for who in ("comms", "admin"):
        with pytest.raises(PlanError):
            operations.move(message, "approve", region[who], FUTURE)


def test_with_four_eyes_off_self_approval_shows_in_the_history(app, region, make_message):
    app.config["PLAN_FOUR_EYES"] = False
    message = make_message("review")
    operations.move(message, "approve", region["comms"], FUTURE + timedelta(minutes=1))
    db.session.commit()
    last = db.session.get(PlanMessage, message.id).transitions[-1]
    assert last.to_status == "approved" and last.actor_id == region["comms"].id
    assert "samma person" in last.comment


def test_the_message_page_refuses_self_approval_with_a_reason(app, client, auth, region, make_message):
    message = make_message("review")
    auth.login("comms")
    response = client.post(f"/plan/{message.id}/steg/approve", data={"version": str(message.version)},
                           follow_redirects=True)
    assert "Någon annan än den som skrev meddelandet" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PlanMessage, message.id).status == "review"


def test_preview_with_example_data_per_training_status(app, client, auth, region, make_message):
    message = make_message("draft", title="Hej {förnamn}", body="Din status: {status}.")
    auth.login("admin")
    page = client.get(f"/plan/{message.id}?example=overdue").get_data(as_text=True)
    assert "Hej Alex" in page and "Din status: Försenad." in page
    assert "påhittad person" in page and "Åsa" not in page.split('id="preview-html"')[1].split("</div>")[0]
    page = client.get(f"/plan/{message.id}?example=completed").get_data(as_text=True)
    assert "Din status: Genomförd." in page


def test_send_test_to_me_goes_through_the_outbox_to_the_planner_only(app, client, auth, region, make_message):
    from sqlalchemy import select

    from models import OutboxMessage

    message = make_message("draft", title="Hej {förnamn}", body="Din status: {status}.")
    auth.login("admin")
    response = client.post(f"/plan/{message.id}/test", data={"example": "not_started"})
    assert response.status_code == 302 and "example=not_started" in response.headers["Location"]
    [mail] = db.session.scalars(select(OutboxMessage)).all()
    assert mail.recipient_email == region["admin"].email and mail.subject == "[Test] Hej Alex"
    assert "Din status: Ej påbörjad." in mail.body_text and mail.related_type == "plan_message_test"
    assert "Ett testmejl till" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PlanMessage, message.id).status == "draft"  # a test changes nothing else

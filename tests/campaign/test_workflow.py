"""The plan message workflow: allowed moves (pure) and what the operations record."""
from __future__ import annotations

from datetime import timedelta

import pytest

from campaign import operations, workflow
from campaign.operations import PlanError
from extensions import db
from tests.campaign.conftest import FUTURE


def test_happy_path_and_refused_moves():
    assert workflow.check_move("submit", "draft").target == "review"
    assert workflow.check_move("approve", "review").target == "approved"
    assert workflow.check_move("schedule", "approved").target == "scheduled"
    for move, status in [("approve", "draft"), ("schedule", "review"), ("submit", "sent"), ("cancel", "sent"),
                         ("cancel", "published"), ("reopen", "draft")]:
        with pytest.raises(workflow.WorkflowError):
            workflow.check_move(move, status)
    with pytest.raises(workflow.WorkflowError):
        workflow.check_move("publish", "draft")


def test_edits_of_approved_content_go_back_to_review():
    assert workflow.status_after_edit("approved", True) == "review"
    assert workflow.status_after_edit("scheduled", True) == "review"
    assert workflow.status_after_edit("scheduled", False) == "scheduled"
    assert workflow.status_after_edit("draft", True) == "draft"
    assert not workflow.may_edit("sent") and not workflow.may_edit("published") and not workflow.may_edit("cancelled")


def test_every_transition_is_recorded_with_who_when_and_comment(app, region, make_message):
    comms, admin = region["comms"], region["admin"]
    message = make_message("draft")
    operations.move(message, "submit", comms, FUTURE)
    operations.move(message, "return", admin, FUTURE + timedelta(minutes=5), "Kortare, tack.")
    operations.move(message, "submit", comms, FUTURE + timedelta(minutes=10))
    operations.move(message, "approve", admin, FUTURE + timedelta(minutes=15))
    operations.move(message, "schedule", comms, FUTURE + timedelta(minutes=20))
    db.session.commit()
    steps = [(t.from_status, t.to_status, t.actor.username, t.comment) for t in message.transitions]
    assert steps == [("", "draft", "comms", ""), ("draft", "review", "comms", ""),
                     ("review", "draft", "admin", "Kortare, tack."), ("draft", "review", "comms", ""),
                     ("review", "approved", "admin", ""), ("approved", "scheduled", "comms", "")]
    assert message.transitions[3].at == FUTURE + timedelta(minutes=10)


def test_sending_back_needs_a_comment(app, region, make_message):
    message = make_message("review")
    with pytest.raises(PlanError) as error:
        operations.move(message, "return", region["admin"], FUTURE, "  ")
    assert error.value.code == "comment_required"


def test_manager_and_employee_cannot_move_or_create(app, region, make_message):
    message = make_message("review")
    for who in ("boss", "anna"):
        with pytest.raises(PlanError) as error:
            operations.move(message, "approve", region[who], FUTURE)
        assert error.value.code == "not_planner"
    assert message.status == "review"


def test_changing_approved_content_sends_it_back_but_time_does_not(app, region, make_message):
    comms = region["comms"]
    message = make_message("scheduled")
    data = operations.MessageData(message.title, message.body, message.channel, message.audience,
                                  message.planned_at + timedelta(hours=2), message.owner_id)
    assert operations.update_message(message, data, comms, FUTURE) is False
    assert message.status == "scheduled"
    data.body = "Ny text"
    assert operations.update_message(message, data, comms, FUTURE) is True
    db.session.commit()
    assert message.status == "review"
    assert message.transitions[-1].from_status == "scheduled" and message.transitions[-1].to_status == "review"


def test_stale_edit_is_refused_but_a_repeated_identical_save_is_fine(app, region, make_message):
    comms = region["comms"]
    message = make_message("draft")
    old_version = message.version
    data = operations.MessageData("Ny titel", message.body, message.channel, message.audience, message.planned_at,
                                  message.owner_id)
    operations.update_message(message, data, comms, FUTURE, old_version)
    db.session.commit()
    # The second click of a double click: same data, old version → nothing happens, no error.
    assert operations.update_message(message, data, comms, FUTURE, old_version) is False
    # Someone else's older form with different data → refused.
    other = operations.MessageData("Annan titel", message.body, message.channel, message.audience,
                                   message.planned_at, message.owner_id)
    with pytest.raises(PlanError) as error:
        operations.update_message(message, other, comms, FUTURE, old_version)
    assert error.value.code == "stale"
    assert message.title == "Ny titel"


def test_repeated_move_is_a_no_op(app, region, make_message):
    message = make_message("review")
    assert operations.move(message, "approve", region["admin"], FUTURE) is True
    assert operations.move(message, "approve", region["admin"], FUTURE) is False
    assert [t.to_status for t in message.transitions].count("approved") == 1


def test_schedule_needs_a_future_time(app, region, make_message):
    message = make_message("approved")
    with pytest.raises(PlanError) as error:
        operations.move(message, "schedule", region["comms"], message.planned_at + timedelta(minutes=1))
    assert error.value.code == "in_past"


def test_sent_message_is_read_only(app, region, make_message):
    message = make_message("scheduled")
    from campaign.sending import send_due

    send_due(message.planned_at)
    db.session.refresh(message)
    assert message.status == "sent"
    data = operations.MessageData("x", "y", "e-post", "all", message.planned_at + timedelta(days=1), message.owner_id)
    with pytest.raises(PlanError) as error:
        operations.update_message(message, data, region["comms"], FUTURE)
    assert error.value.code == "read_only"
    with pytest.raises(PlanError):
        operations.move(message, "cancel", region["comms"], FUTURE)


def _bump_elsewhere(message_id: int, **values) -> None:
    """What another process (a second web worker, the scheduler) writing the row looks like."""
    from models import PlanMessage

    table = PlanMessage.__table__
    with db.engine.connect() as conn:
        conn.execute(table.update().where(table.c.id == message_id)
                     .values(version=table.c.version + 1, **values))
        conn.commit()


def test_edit_racing_with_another_write_is_refused(app, region, make_message):
    message = make_message("scheduled")
    assert message.status == "scheduled"  # loaded now; the row changes behind our back next
    _bump_elsewhere(message.id, status="sent")
    data = operations.MessageData("Sent ändring", message.body, message.channel, message.audience,
                                  message.planned_at, message.owner_id)
    with pytest.raises(PlanError) as error:
        operations.update_message(message, data, region["comms"], FUTURE)  # no form version: the mapper checks
    assert error.value.code == "stale"
    db.session.rollback()
    assert message.status == "sent" and message.title != "Sent ändring"


def test_send_racing_with_an_edit_sends_nothing(app, region, make_message):
    from sqlalchemy import func, select

    from campaign.sending import send_due
    from models import OutboxMessage

    message = make_message("scheduled")
    assert message.version  # loaded
    _bump_elsewhere(message.id, title="Ändrad under tiden")
    summary = send_due(message.planned_at)
    assert summary.sent == 0 and db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    summary = send_due(message.planned_at)  # the next poll reads the new row and sends it
    assert summary.sent == 1
    assert {m.subject for m in db.session.scalars(select(OutboxMessage))} == {"Ändrad under tiden"}


def test_approving_an_email_nobody_can_receive_is_refused(app, region, make_message):
    # Vårdcentralen Norr without Nils leaves only "noemail", who has no address.
    region["nils"].active = False
    db.session.commit()
    message = make_message("review", audience="units", units=[region["units"]["norr"]])
    with pytest.raises(PlanError) as error:
        operations.move(message, "approve", region["admin"], FUTURE)
    assert error.value.code == "empty_audience" and message.status == "review"

"""What an attendee is sent next, and with which SEQUENCE (invites/rules.py)."""
from __future__ import annotations

from invites.rules import CANCEL, REQUEST, Outgoing, Sent, desired_method, idempotency_key, next_message

NOTHING = Sent(None, None, None)


def test_first_invitation_carries_the_activity_sequence():
    assert next_message(4, NOTHING, REQUEST, False) == Outgoing(REQUEST, 4, "invite")


def test_nothing_to_cancel_for_someone_never_invited():
    assert next_message(4, NOTHING, CANCEL, True) is None


def test_up_to_date_attendee_gets_nothing():
    assert next_message(2, Sent(REQUEST, 2, 2), REQUEST, False) is None
    assert next_message(5, Sent(CANCEL, 5, 5), CANCEL, True) is None


def test_update_after_a_change_goes_up():
    assert next_message(3, Sent(REQUEST, 2, 2), REQUEST, False) == Outgoing(REQUEST, 3, "update")


def test_sequence_never_goes_down_for_an_attendee_with_history():
    # unregistered (CANCEL 1) and registered again: the new REQUEST must beat the CANCEL.
    assert next_message(0, Sent(CANCEL, 1, 0), REQUEST, False) == Outgoing(REQUEST, 2, "invite")
    # then the activity changes (its own sequence 1 < the attendee's 2): still higher than before.
    assert next_message(1, Sent(REQUEST, 2, 0), REQUEST, False) == Outgoing(REQUEST, 3, "update")


def test_personal_cancel_and_activity_cancel_have_different_reasons():
    assert next_message(0, Sent(REQUEST, 0, 0), CANCEL, False) == Outgoing(CANCEL, 1, "removed")
    assert next_message(1, Sent(REQUEST, 0, 0), CANCEL, True) == Outgoing(CANCEL, 1, "cancelled")


def test_desired_method():
    assert desired_method("confirmed", True) == REQUEST
    assert desired_method("confirmed", False) == CANCEL
    assert desired_method("cancelled", True) == CANCEL
    assert desired_method("planned", True) == CANCEL  # back to planned: out of the calendars


def test_cancel_reasons_say_why():
    from invites.rules import cancel_reason

    assert cancel_reason("cancelled", "audience") == "cancelled"
    assert cancel_reason("planned", "registration") == "withdrawn"
    assert cancel_reason("confirmed", "audience") == "uninvited"
    assert cancel_reason("confirmed", "registration") == "removed"
    assert next_message(0, Sent(None, None, None), CANCEL, False, "withdrawn") is None  # never invited


def test_idempotency_key_names_activity_person_sequence_and_method():
    assert idempotency_key(7, 12, 3, CANCEL) == "invite:7:12:seq3:CANCEL"


def test_a_bad_organizer_setting_stops_the_app_at_start(database_url):
    import pytest

    from app import create_app
    from tests.conftest import test_config

    with pytest.raises(RuntimeError, match="INVITE_ORGANIZER"):
        create_app(test_config(database_url, INVITE_ORGANIZER="Säkerhet <inte en adress>"))

"""The follow-up KPI "registrations to the awareness month's activities" counts real registrations."""
from __future__ import annotations

from datetime import timedelta

from invites import registration
from invites.queries import count_registrations
from tests.invites.conftest import BEFORE
from tests.training.conftest import local


def test_registrations_are_counted_for_the_kpi(app, world, make_activity):
    activity = make_activity(local(2024, 10, 8, 12), local(2024, 10, 8, 13), capacity=1)
    registration.register(activity, world["anna"], BEFORE)
    registration.register(activity, world["bo"], BEFORE)  # waiting list: not a registration
    assert count_registrations([activity.id], BEFORE + timedelta(minutes=1)) == 1
    assert count_registrations([activity.id], BEFORE - timedelta(days=1)) == 0
    assert count_registrations([], BEFORE) == 0

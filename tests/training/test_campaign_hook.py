"""The training package answers the communication plan's course questions (real data, no fake hook)."""
from __future__ import annotations

from campaign.audience import not_done_person_ids, training_values
from tests.training.conftest import local


def test_not_done_audience_comes_from_real_completions(app, org, course, complete):
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    now = local(2024, 12, 5)
    not_done = not_done_person_ids(now)
    assert org["ann"].id not in not_done
    assert {org["ben"].id, org["lead"].id, org["carl"].id} <= not_done


def test_placeholders_use_the_persons_status_and_the_course_link(app, org, course, complete):
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    now = local(2024, 12, 5)
    assert training_values(org["ann"], now, "okänd")["status"] == "genomförd"
    assert training_values(org["ben"], now, "okänd")["status"] == "försenad"

"""The history rule: a row as of a moment is its current values with later changes undone."""
from __future__ import annotations

from datetime import date, datetime, timezone

from followup.history import from_text, to_text, undo_later


def at(day: int) -> datetime:
    return datetime(2024, 9, day, 12, tzinfo=timezone.utc)


def test_later_changes_are_undone_newest_first():
    current = {"status": "done", "due_on": date(2024, 10, 31), "title": "T", "owner_id": 7}
    changes = [("status", "planned", at(5)), ("status", "in_progress", at(10)), ("due_on", "2024-09-30", at(8))]
    # planned → in_progress (5th), due moved (8th), in_progress → done (10th)
    assert undo_later("action", current, changes, at(20)) == current
    assert undo_later("action", current, changes, at(9))["status"] == "in_progress"
    assert undo_later("action", current, changes, at(9))["due_on"] == date(2024, 10, 31)
    then = undo_later("action", current, changes, at(6))
    assert then["status"] == "in_progress" and then["due_on"] == date(2024, 9, 30)
    assert undo_later("action", current, changes, at(1))["status"] == "planned"


def test_untracked_fields_in_the_log_are_ignored():
    current = {"status": "done"}
    assert undo_later("action", current, [("comment", "", at(10))], at(1)) == current


def test_values_round_trip_through_text():
    assert from_text(date, to_text(date(2024, 9, 6))) == date(2024, 9, 6)
    assert from_text(int, to_text(None)) is None
    assert from_text(float, to_text(72.0)) == 72.0 and to_text(72.0) == "72"
    assert from_text(str, "") == ""

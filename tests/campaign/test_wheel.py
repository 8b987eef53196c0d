"""The årshjul: geometry, the provider registry, and the demo's October campaign on it."""
from __future__ import annotations

import math
from datetime import date

from campaign import wheel
from campaign.wheel import WheelItem
from campaign.wheel_items import board_report_dates, quarter_ends


def test_angles_run_clockwise_from_the_top():
    assert wheel.angle(date(2024, 1, 1), 2024) == 0
    assert math.isclose(wheel.angle(date(2024, 7, 2), 2024), math.pi, rel_tol=1e-3)  # 2024 has 366 days
    x, y = wheel.point(100, wheel.angle(date(2023, 4, 2), 2023))
    assert x > wheel.CENTER + 99 and abs(y - wheel.CENTER) < 2  # early April is at three o'clock


def test_layout_draws_periods_as_arcs_and_days_as_dots_on_their_rings():
    items = [WheelItem(date(2024, 10, 1), date(2024, 10, 31), "Oktober", "a"),
             WheelItem(date(2024, 3, 31), None, "Q1", "b"), WheelItem(date(2024, 5, 1), None, "Okänd", "zzz")]
    shapes = wheel.layout(2024, items, ["a", "b"])
    assert [(s.kind, s.ring, s.label) for s in shapes] == [("arc", 0, "Oktober"), ("dot", 1, "Q1")]
    assert shapes[0].d.startswith("M ") and " A " in shapes[0].d
    assert len(wheel.month_segments(2024)) == 12


def test_other_packages_can_add_items(app):
    wheel.register_category("test.followup", "Uppföljning")
    wheel.register_provider("test.followup", lambda year, viewer: [WheelItem(date(year, 5, 20), None, "Åtgärd klar",
                                                                             "test.followup")])
    wheel.register_provider("test.broken", lambda year, viewer: 1 / 0)
    try:
        with app.test_request_context():
            items = wheel.collect(2031, None)
        assert "Åtgärd klar" in [i.label for i in items]  # the broken provider is skipped, not fatal
    finally:
        wheel._PROVIDERS.pop("test.followup", None)
        wheel._PROVIDERS.pop("test.broken", None)
        wheel._CATEGORIES.pop("test.followup", None)


def test_fixed_dates():
    assert quarter_ends(2025) == [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)]
    assert board_report_dates(2025, "11-15, 04-15,13-01,bad,") == [date(2025, 4, 15), date(2025, 11, 15)]

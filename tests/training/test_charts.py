"""The training charts: Swedish numbers, x labels that never overlap, the target line."""
from __future__ import annotations

import re
from datetime import date, timedelta

from training import charts


def test_labels_never_overlap_and_the_last_day_is_shown(app):
    days = [date(2024, 1, 1) + timedelta(days=91 * i) for i in range(15)]
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        svg = str(charts.line_chart("T", "D", days, [("Regionen", [50.0 + i for i in range(15)])]))
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle" font-size="11">\d{4}-', svg)]
    assert days[-1].isoformat() in svg
    assert all(b - a >= charts.LABEL_WIDTH for a, b in zip(xs, xs[1:], strict=False)), xs


def test_swedish_percent_and_target_line(app):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        svg = str(charts.line_chart("T", "D", [date(2024, 1, 1), date(2024, 4, 1)], [("R", [57.7, 64.5])],
                                    target=90))
        bars = str(charts.bar_chart("T", "D", [("Förvaltningen", 57.7)], target=90))
    assert "57,7\u00a0%" in svg and "25\u00a0%" in svg and "Mål 90\u00a0%" in svg
    assert 'stroke-dasharray="8 4"' in svg and "57,7\u00a0%" in bars and "Mål 90\u00a0%" in bars

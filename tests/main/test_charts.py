"""The one chart module: the page's number format, x labels that never overlap, long names
shortened (never cut), the target line, the y axis fitting the values."""
from __future__ import annotations

import re
from datetime import date, timedelta

from main import charts


def test_labels_never_overlap_and_the_last_day_is_shown(app):
    days = [date(2024, 1, 1) + timedelta(days=91 * i) for i in range(15)]
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        svg = str(charts.line_chart("T", "D", days, [("Regionen", [50.0 + i for i in range(15)])]))
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle" font-size="11">\d{4}-', svg)]
    assert days[-1].isoformat() in svg and len(xs) < len(days)
    assert all(b - a >= charts.LABEL_WIDTH for a, b in zip(xs, xs[1:], strict=False)), xs


def test_quarter_labels_are_thinned_too(app):
    quarters = [f"{2010 + i // 4} K{i % 4 + 1}" for i in range(40)]
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        svg = str(charts.line_chart("T", "D", quarters, [("Incidenter", [float(i) for i in range(40)])],
                                    unit="", top=None))
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle" font-size="11">\d{4} K', svg)]
    assert "2019 K4" in svg and all(b - a >= charts.LABEL_WIDTH for a, b in zip(xs, xs[1:], strict=False)), xs


def test_swedish_percent_and_target_line(app):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        svg = str(charts.line_chart("T", "D", [date(2024, 1, 1), date(2024, 4, 1)], [("R", [57.66, 64.5])],
                                    target=90))
        bars = str(charts.bar_chart("T", "D", [("Förvaltningen", 57.66), ("Tom", None)], target=90))
    assert "57,7\u00a0%" in svg and "25\u00a0%" in svg and "Mål 90\u00a0%" in svg and "57.7" not in svg
    assert 'stroke-dasharray="8 4"' in svg and "57,7\u00a0%" in bars and "Mål 90\u00a0%" in bars
    assert ">–</text>" in bars


def test_english_page_gets_english_numbers(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        svg = str(charts.line_chart("T", "D", ["2024 Q1", "2024 Q2"], [("Mails", [1234.5, 12345.0])],
                                    unit="", top=None))
        bars = str(charts.bar_chart("T", "D", [("Unit", 57.66)], target=90))
    assert "Mails: 12,345" in svg and "Mails: 1,234.5" in svg and "57.7\u00a0%" in bars and "Target 90\u00a0%" in bars


def test_long_names_are_shortened_with_the_full_name_as_tooltip(app):
    name = "Förvaltningen för hälso- och sjukvård i norra länsdelen"
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        bars = str(charts.bar_chart("T", "D", [(name, 50.0)]))
        svg = str(charts.line_chart("T", "D", ["a", "b"], [(name, [1.0, 2.0])]))
    for out in (bars, svg):
        assert f"<title>{name}</title>" in out and "…</text>" in out


def test_chart_scales_to_the_values_with_a_target_per_quarter(app):
    assert charts.nice_max(0) == 1 and charts.nice_max(7) == 10 and charts.nice_max(72.5) == 100
    assert charts.nice_max(180) == 200
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        svg = str(charts.line_chart("T", "D", ["2024 K3", "2024 K4"], [("Incidenter", [4.0, 6.0])],
                                    targets=[2.0, 2.0], unit="", top=None, target_label="Mål"))
    assert svg.count("<circle") == 2 and svg.count("<rect") == 2 and "Incidenter: 6" in svg and "Mål: 2" in svg
    assert ">10</text>" in svg  # the axis goes to a round 10, not to 100


def test_every_page_with_a_chart_has_its_data_table():
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    with_charts = [p for p in templates.rglob("*.html")
                   if re.search(r"\{\{\s*(chart|bars)\s*\}\}", p.read_text(encoding="utf-8"))]
    assert len(with_charts) >= 4  # training region and report, the KPI page, pulse results
    assert [p.name for p in with_charts if "<table" not in p.read_text(encoding="utf-8")] == []

"""Server-rendered SVG charts (no JavaScript). Each chart has a title and a description
for screen readers; pages show the same numbers in a table next to it. Series differ in
dash pattern and marker as well as colour, so colour is never the only cue."""
from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from markupsafe import Markup

COLOURS = ["#00506e", "#b00020", "#1f6b2f", "#7a4b00", "#5a2d82", "#1b1f24", "#006d77", "#8a3b12"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4", "3 6"]
WIDTH, HEIGHT = 680, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 180, 16, 40


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if n == 1 else span * i / (n - 1))


def _y(percent: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100)


def line_chart(title: str, description: str, days: list[date],
               series: list[tuple[str, list[float | None]]], chart_id: str = "trend") -> Markup:
    """Percent (0-100) over `days`, one line per series."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    for pct in (0, 25, 50, 75, 100):
        y = _y(pct)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#c4cbd3"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{pct} %</text>')
    step = max(1, len(days) // 8)
    for i, day in enumerate(days):
        if i % step == 0 or i == len(days) - 1:
            parts.append(f'<text x="{_x(i, len(days)):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                         f'font-size="11">{day.isoformat()}</text>')
    for k, (label, values) in enumerate(series):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        points = [(_x(i, len(days)), _y(v)) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        for (x, y), v in zip(points, [v for v in values if v is not None]):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{escape(label)}: '
                         f'{v:.1f} %</title></circle>')
        ly = TOP + 14 + 18 * k
        parts.append(f'<line x1="{WIDTH - RIGHT + 12}" x2="{WIDTH - RIGHT + 40}" y1="{ly - 4}" y2="{ly - 4}" '
                     f'stroke="{colour}" stroke-width="2.5"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        parts.append(f'<text x="{WIDTH - RIGHT + 46}" y="{ly}" font-size="12">{escape(label[:22])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(title: str, description: str, bars: list[tuple[str, float | None]], chart_id: str = "bars") -> Markup:
    """Horizontal bars of percent (0-100), one per label."""
    row_h, left = 26, 230
    height = TOP + row_h * max(1, len(bars)) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    span = WIDTH - left - 70
    for i, (label, value) in enumerate(bars):
        y = TOP + i * row_h
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="12">{escape(label[:34])}</text>')
        width = span * (value or 0) / 100
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{width:.1f}" height="{row_h - 8}" fill="{COLOURS[0]}"/>')
        shown = "–" if value is None else f"{value:.1f} %"
        parts.append(f'<text x="{left + width + 6:.1f}" y="{y + 16}" font-size="12">{shown}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

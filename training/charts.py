"""Server-rendered SVG charts (no JavaScript). Each chart has a title and a description
for screen readers; pages show the same numbers in a table next to it. Series differ in
dash pattern and marker as well as colour, so colour is never the only cue."""
from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from flask_babel import format_decimal
from flask_babel import gettext as _
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


def pct(value: float, digits: str = "0.0") -> str:
    """"57,7 %" in Swedish, "57.7 %" in English (a non-breaking space before the sign)."""
    return f"{format_decimal(value, format=digits)}\u00a0%"


#: Room one date label takes on the x axis (an ISO date at font size 11), so labels never overlap.
LABEL_WIDTH = 72


def label_step(count: int, span: float = WIDTH - LEFT - RIGHT) -> int:
    """Show every n-th x label: as many as fit side by side (the last one is always shown)."""
    fits = max(1, int(span // LABEL_WIDTH))
    return max(1, -(-count // fits))


def _target_line(target: float | None, x1: float, x2: float) -> list[str]:
    if target is None:
        return []
    y = _y(target)
    return [f'<line x1="{x1}" x2="{x2}" y1="{y:.1f}" y2="{y:.1f}" stroke="#1b1f24" stroke-width="1.5" '
            f'stroke-dasharray="8 4"/>',
            f'<text x="{x1 + 4}" y="{y - 4:.1f}" font-size="11">{escape(_("Mål %(pct)s", pct=pct(target, "0")))}</text>']


def line_chart(title: str, description: str, days: list[date],
               series: list[tuple[str, list[float | None]]], chart_id: str = "trend",
               target: float | None = None) -> Markup:
    """Percent (0-100) over `days`, one line per series; `target` draws the goal as a dashed line."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    for tick in (0, 25, 50, 75, 100):
        y = _y(tick)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#c4cbd3"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{pct(tick, "0")}</text>')
    parts.extend(_target_line(target, LEFT, WIDTH - RIGHT))
    step = label_step(len(days))
    last = len(days) - 1
    for i, day in enumerate(days):
        # Every step-th label, and the last one unless it would sit on top of the one before.
        if (i % step == 0 and (i == last or last - i >= step)) or i == last:
            parts.append(f'<text x="{_x(i, len(days)):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                         f'font-size="11">{day.isoformat()}</text>')
    for k, (label, values) in enumerate(series):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        points = [(_x(i, len(days)), _y(v)) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        for (x, y), v in zip(points, [v for v in values if v is not None], strict=True):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{escape(label)}: '
                         f'{pct(v)}</title></circle>')
        ly = TOP + 14 + 18 * k
        parts.append(f'<line x1="{WIDTH - RIGHT + 12}" x2="{WIDTH - RIGHT + 40}" y1="{ly - 4}" y2="{ly - 4}" '
                     f'stroke="{colour}" stroke-width="2.5"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(f'<text x="{WIDTH - RIGHT + 46}" y="{ly}" font-size="12"><title>{escape(label)}</title>'
                     f'{escape(short)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(title: str, description: str, bars: list[tuple[str, float | None]], chart_id: str = "bars",
              target: float | None = None) -> Markup:
    """Horizontal bars of percent (0-100), one per label; `target` draws the goal as a dashed line."""
    row_h, left = 26, 230
    height = TOP + row_h * max(1, len(bars)) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    span = WIDTH - left - 70
    for i, (label, value) in enumerate(bars):
        y = TOP + i * row_h
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="12"><title>{escape(label)}'
                     f'</title>{escape(short)}</text>')
        width = span * (value or 0) / 100
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{width:.1f}" height="{row_h - 8}" fill="{COLOURS[0]}"/>')
        shown = "–" if value is None else pct(value)
        parts.append(f'<text x="{left + width + 6:.1f}" y="{y + 16}" font-size="12">{shown}</text>')
    if target is not None:
        x = left + span * target / 100
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{height - 20}" stroke="#1b1f24" '
                     f'stroke-width="1.5" stroke-dasharray="8 4"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" font-size="11">'
                     f'{escape(_("Mål %(pct)s", pct=pct(target, "0")))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

"""The one SVG chart module: server-rendered line and bar charts, no JavaScript.

Every chart has a title and a description for screen readers, and its page shows the same
numbers in a table beside it, so the chart is never the only way to read them. Series differ
in dash pattern and marker as well as colour, so colour is never the only cue. Numbers are
formatted by `main.i18n` ("57,7 %" in Swedish, "57.7 %" in English). X labels are thinned so
they never overlap; long names are shortened with the full name as a tooltip, never cut off.
Used by the training pages (completion over time and per unit, with the target line from
TRAINING_TARGET_PERCENT), the follow-up KPIs (trend against a per-quarter target) and pulse results.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from markupsafe import Markup

from main.i18n import fmt_measure, fmt_percent

COLOURS = ["#00506e", "#b00020", "#1f6b2f", "#7a4b00", "#5a2d82", "#1b1f24", "#006d77", "#8a3b12"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4", "3 6"]
TARGET_COLOUR, GRID_COLOUR, TARGET_DASH = "#1b1f24", "#c4cbd3", "8 4"
WIDTH, HEIGHT = 680, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 180, 16, 40
#: Room one x label takes (an ISO date at font size 11), so labels never overlap.
LABEL_WIDTH = 72
#: Characters of a legend entry and of a bar's name before they are shortened (full name as tooltip).
LEGEND_CHARS, BAR_LABEL_CHARS = 22, 34


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def label_step(count: int, span: float = WIDTH - LEFT - RIGHT) -> int:
    """Show every n-th x label: as many as fit side by side."""
    fits = max(1, int(span // LABEL_WIDTH))
    return max(1, -(-count // fits))


def shown_labels(count: int) -> list[int]:
    """Indexes of the x labels to draw: every step-th, and the last one, dropping the one
    before it when the two would touch."""
    step, last = label_step(count), count - 1
    return [i for i in range(count) if (i % step == 0 and (i == last or last - i >= step)) or i == last]


def _shortened(label: str, limit: int) -> str:
    """The label as SVG text: shortened with "…" when long, the full text always in a <title>."""
    short = label if len(label) <= limit else label[:limit - 1] + "…"
    return f"<title>{escape(label)}</title>{escape(short)}"


def _start(title: str, description: str, chart_id: str, height: int) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>']


def _target_text(target: float, unit: str) -> str:
    return escape(_("Mål %(pct)s", pct=fmt_measure(target, unit)))


def _legend(k: int, label: str, colour: str, dash: str) -> list[str]:
    ly = TOP + 14 + 18 * k
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return [f'<line x1="{WIDTH - RIGHT + 12}" x2="{WIDTH - RIGHT + 40}" y1="{ly - 4}" y2="{ly - 4}" '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>',
            f'<text x="{WIDTH - RIGHT + 46}" y="{ly}" font-size="12">{_shortened(label, LEGEND_CHARS)}</text>']


def line_chart(title: str, description: str, labels: Sequence[date | str],
               series: list[tuple[str, list[float | None]]], chart_id: str = "trend",
               target: float | None = None, targets: list[float | None] | None = None,
               unit: str = "%", top: float | None = 100.0, target_label: str | None = None) -> Markup:
    """One line per series over `labels` (dates or names such as "2024 K3").

    `unit` "%" shows values as percentages, "" as plain numbers. `top` is the y axis maximum
    (None: a round number fitting the values). `target` draws one goal as a dashed horizontal
    line; `targets` a goal per label as a dashed series named `target_label` in the legend."""
    drawn = [(name, values, False) for name, values in series]
    if targets and any(t is not None for t in targets):
        drawn.append((target_label or _("Mål"), targets, True))
    if top is None:
        top = nice_max(max([v for _n, vs, _t in drawn for v in vs if v is not None]
                           + ([target] if target is not None else []), default=1.0))
    n = len(labels)

    def x(i: int) -> float:
        span = WIDTH - LEFT - RIGHT
        return LEFT + (span / 2 if n == 1 else span * i / (n - 1))

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)

    def shown(value: float) -> str:
        return fmt_percent(value) if unit == "%" else fmt_measure(value, unit)

    parts = _start(title, description, chart_id, HEIGHT)
    for k in range(5):
        tick = top * k / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="{GRID_COLOUR}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12">'
                     f'{fmt_measure(tick, unit)}</text>')
    if target is not None:
        ty = y(target)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{TARGET_COLOUR}" '
                     f'stroke-width="1.5" stroke-dasharray="{TARGET_DASH}"/>')
        parts.append(f'<text x="{LEFT + 4}" y="{ty - 4:.1f}" font-size="11">{_target_text(target, unit)}</text>')
    for i in shown_labels(n):
        label = labels[i]
        text = label.isoformat() if isinstance(label, date) else str(label)
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                     f'font-size="11">{escape(text)}</text>')
    for k, (name, values, is_target) in enumerate(drawn):
        colour = "#5b6670" if is_target else COLOURS[k % len(COLOURS)]
        dash = "6 4" if is_target else DASHES[k % len(DASHES)]
        points = [(x(i), y(v), v) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            coords = " ".join(f"{px:.1f},{py:.1f}" for px, py, _v in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        for px, py, v in points:
            tip = f"<title>{escape(name)}: {shown(v)}</title>"
            parts.append(f'<rect x="{px - 3.5:.1f}" y="{py - 3.5:.1f}" width="7" height="7" fill="{colour}">{tip}</rect>'
                         if is_target else f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}">{tip}</circle>')
        parts += _legend(k, name, colour, dash)
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(title: str, description: str, bars: list[tuple[str, float | None]], chart_id: str = "bars",
              target: float | None = None) -> Markup:
    """Horizontal bars of per cents (0-100) on a grey track, one per label; `target` draws the goal
    as a dashed vertical line. A missing value shows "–" and no bar."""
    row_h, left = 26, 230
    height = TOP + row_h * max(1, len(bars)) + (24 if target is not None else 8)
    span = WIDTH - left - 70
    parts = _start(title, description, chart_id, height)
    for i, (label, value) in enumerate(bars):
        y = TOP + i * row_h
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="12">'
                     f'{_shortened(label, BAR_LABEL_CHARS)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{span}" height="{row_h - 8}" fill="#e6e9ed"/>')
        width = span * min(max(value or 0, 0), 100) / 100
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{width:.1f}" height="{row_h - 8}" fill="{COLOURS[0]}"/>')
        parts.append(f'<text x="{left + span + 6}" y="{y + 16}" font-size="12">{fmt_percent(value)}</text>')
    if target is not None:
        x = left + span * target / 100
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{height - 20}" stroke="{TARGET_COLOUR}" '
                     f'stroke-width="1.5" stroke-dasharray="{TARGET_DASH}"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" font-size="11">'
                     f'{_target_text(target, "%")}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

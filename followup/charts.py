"""The KPI trend chart: server-rendered SVG, no JavaScript. Values per quarter as a line with
markers, the target as a dashed line; the y axis fits the values (0 to a round maximum).
Pages show the same numbers in a table, so the chart is never the only way to read them."""
from __future__ import annotations

import math
from xml.sax.saxutils import escape

from flask_babel import gettext
from markupsafe import Markup

from training.charts import COLOURS, DASHES

WIDTH, HEIGHT = 680, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 170, 16, 40


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}".replace(".", ",")


def trend(title: str, description: str, labels: list[str], series: list[tuple[str, list[float | None]]],
          target: list[float | None] | None = None, chart_id: str = "kpi-trend",
          target_label: str | None = None) -> Markup:
    """One line per series over the quarters in `labels`, plus a dashed target line."""
    values = [v for _n, vs in series for v in vs if v is not None] + [t for t in target or [] if t is not None]
    top = nice_max(max(values, default=1.0))
    n = len(labels)

    def x(i: int) -> float:
        span = WIDTH - LEFT - RIGHT
        return LEFT + (span / 2 if n == 1 else span * i / (n - 1))

    def y(v: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - v / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    for k in range(5):
        v = top * k / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#c4cbd3"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12">{_number(v)}</text>')
    for i, text in enumerate(labels):
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="11">'
                     f'{escape(text)}</text>')
    lines = list(series) + ([(None, target)] if target and any(t is not None for t in target) else [])
    for k, (name, vs) in enumerate(lines):
        is_target = name is None
        colour = "#5b6670" if is_target else COLOURS[k % len(COLOURS)]
        dash = "6 4" if is_target else DASHES[k % len(DASHES)]
        points = [(x(i), y(v), v) for i, v in enumerate(vs) if v is not None]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if len(points) > 1:
            coords = " ".join(f"{px:.1f},{py:.1f}" for px, py, _v in points)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        label = ((target_label or gettext("Mål")) if is_target else name) or ""
        for px, py, v in points:
            shape = (f'<rect x="{px - 3.5:.1f}" y="{py - 3.5:.1f}" width="7" height="7" fill="{colour}">' if is_target
                     else f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{colour}">')
            parts.append(f'{shape}<title>{escape(label)}: {_number(v)}</title></{"rect" if is_target else "circle"}>')
        ly = TOP + 14 + 18 * k
        parts.append(f'<line x1="{WIDTH - RIGHT + 12}" x2="{WIDTH - RIGHT + 40}" y1="{ly - 4}" y2="{ly - 4}" '
                     f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        parts.append(f'<text x="{WIDTH - RIGHT + 46}" y="{ly}" font-size="12">{escape(label[:20])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

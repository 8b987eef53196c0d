"""The pulse result chart: share right per question for the region, as server-rendered SVG bars.
The page shows the same numbers in a table, so the chart is never the only way to read them."""
from __future__ import annotations

from xml.sax.saxutils import escape

from markupsafe import Markup

WIDTH, BAR, GAP, LEFT, RIGHT = 640, 22, 10, 150, 60


def share_right(title: str, description: str, bars: list[tuple[str, float | None]]) -> Markup:
    """One horizontal bar per (label, per cent) from 0 to 100 %."""
    height = 20 + len(bars) * (BAR + GAP)
    span = WIDTH - LEFT - RIGHT
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-labelledby="pulse-chart-title pulse-chart-desc" class="chart">',
             f'<title id="pulse-chart-title">{escape(title)}</title>',
             f'<desc id="pulse-chart-desc">{escape(description)}</desc>']
    for i, (label, value) in enumerate(bars):
        y = 10 + i * (BAR + GAP)
        parts.append(f'<text x="{LEFT - 8}" y="{y + BAR * 0.7:.1f}" text-anchor="end" font-size="12">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{LEFT}" y="{y}" width="{span}" height="{BAR}" fill="#e6e9ed"/>')
        if value is not None:
            parts.append(f'<rect x="{LEFT}" y="{y}" width="{span * value / 100:.1f}" height="{BAR}" fill="#1f5f8b"/>')
        shown = "–" if value is None else f"{value:g} %".replace(".", ",")
        parts.append(f'<text x="{LEFT + span + 6}" y="{y + BAR * 0.7:.1f}" font-size="12">{shown}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

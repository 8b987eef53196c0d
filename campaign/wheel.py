"""The årshjul: a year of security work as a wheel, drawn as server-side SVG.

Other packages add their dates through a small registry:

    from campaign.wheel import WheelItem, register_category, register_provider
    register_category("training", _l("Kursen: förnyelse och sista dagar"))
    register_provider("training.due_dates", lambda year, viewer: [WheelItem(date(...), None, "…", "training")])

A provider takes (year, viewer) and returns WheelItems; it must only return what the
viewer may see. Each category is one ring of the wheel and one colour of the legend.
The geometry is a pure function (`layout`) so it can be tested without a page.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WheelItem:
    #: First day (local date).
    start: date
    #: Last day (inclusive) for a period; None for a single day.
    end: date | None
    #: What it is ("Kvartalsmätning Q3").
    label: str
    #: Key of a registered category (its ring).
    category: str
    #: Page about it, if there is one.
    url: str | None = None
    #: A short extra word (status, channel).
    detail: str = ""


@dataclass(frozen=True)
class Category:
    key: str
    label: object


_CATEGORIES: dict[str, Category] = {}
_PROVIDERS: dict[str, Callable[[int, object], Iterable[WheelItem]]] = {}
MAX_RINGS = 6


def register_category(key: str, label) -> None:
    """A ring of the wheel (registration order = from the outside in)."""
    _CATEGORIES.setdefault(key, Category(key, label))


def register_provider(name: str, provider: Callable[[int, object], Iterable[WheelItem]]) -> None:
    """Add (or replace, by name) a source of wheel items."""
    _PROVIDERS[name] = provider


def categories() -> list[Category]:
    return list(_CATEGORIES.values())[:MAX_RINGS]


def collect(year: int, viewer) -> list[WheelItem]:
    """Items of every provider for `year`, sorted by date; a failing provider is logged and skipped."""
    items: list[WheelItem] = []
    known = {c.key for c in categories()}
    for name, provider in _PROVIDERS.items():
        try:
            found = [i for i in provider(year, viewer) if i.category in known]
        except Exception:  # one broken package must not take the whole wheel down
            log.exception("wheel provider %s failed", name)
            continue
        items.extend(i for i in found if i.start.year == year or (i.end and i.end.year == year))
    return sorted(items, key=lambda i: (i.start, i.end or i.start, i.label))


# Geometry -----------------------------------------------------------------------------

SIZE = 640
CENTER = SIZE / 2
MONTH_OUTER, MONTH_INNER = 310, 262
RING_WIDTH = 34


@dataclass(frozen=True)
class Shape:
    """One drawable: kind "arc" (path d) or "dot" (cx, cy), with its ring index and label."""

    kind: str
    ring: int
    label: str
    d: str = ""
    cx: float = 0.0
    cy: float = 0.0


def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def angle(day: date, year: int, offset: float = 0.0) -> float:
    """Radians clockwise from 12 o'clock for a day (offset in days, 0.5 = midday)."""
    fraction = ((day - date(year, 1, 1)).days + offset) / days_in_year(year)
    return 2 * math.pi * fraction


def point(radius: float, theta: float) -> tuple[float, float]:
    return (round(CENTER + radius * math.sin(theta), 2), round(CENTER - radius * math.cos(theta), 2))


def arc_path(radius: float, start: float, end: float) -> str:
    """An SVG arc along the circle of `radius` from angle `start` to `end` (clockwise)."""
    end = min(end, start + 2 * math.pi - 1e-3)
    x1, y1 = point(radius, start)
    x2, y2 = point(radius, end)
    large = 1 if end - start > math.pi else 0
    return f"M {x1} {y1} A {radius} {radius} 0 {large} 1 {x2} {y2}"


def ring_radius(ring: int) -> float:
    return MONTH_INNER - RING_WIDTH * (ring + 0.5) - 4


def month_segments(year: int) -> list[dict]:
    """Twelve month sectors: the annulus path and where the label goes."""
    out = []
    for month in range(1, 13):
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        a, b = angle(first, year), angle(following, year) if month < 12 else 2 * math.pi
        (ox1, oy1), (ox2, oy2) = point(MONTH_OUTER, a), point(MONTH_OUTER, b)
        (ix1, iy1), (ix2, iy2) = point(MONTH_INNER, b), point(MONTH_INNER, a)
        d = (f"M {ox1} {oy1} A {MONTH_OUTER} {MONTH_OUTER} 0 0 1 {ox2} {oy2} "
             f"L {ix1} {iy1} A {MONTH_INNER} {MONTH_INNER} 0 0 0 {ix2} {iy2} Z")
        lx, ly = point((MONTH_OUTER + MONTH_INNER) / 2, (a + b) / 2)
        out.append({"month": month, "d": d, "x": lx, "y": ly})
    return out


def layout(year: int, items: list[WheelItem], category_keys: list[str]) -> list[Shape]:
    """Shapes for the items: periods as arcs, days as dots, each on its category's ring."""
    rings = {key: i for i, key in enumerate(category_keys)}
    shapes = []
    for item in items:
        ring = rings.get(item.category)
        if ring is None:
            continue
        radius = ring_radius(ring)
        start = max(item.start, date(year, 1, 1))
        if item.end and item.end > item.start:
            end = min(item.end, date(year, 12, 31))
            shapes.append(Shape("arc", ring, item.label,
                                d=arc_path(radius, angle(start, year), angle(end, year, 1.0))))
        else:
            cx, cy = point(radius, angle(start, year, 0.5))
            shapes.append(Shape("dot", ring, item.label, cx=cx, cy=cy))
    return shapes

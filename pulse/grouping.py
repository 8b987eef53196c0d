"""Which units get their own pulse result: the pure rule behind "at least PULSE_MIN_GROUP answers".

The tree is the region (root None) → förvaltningar → units down to the reporting level. A unit
with fewer than `minimum` answers is merged into its parent's "other units" row. So that nobody
can subtract a small group from its parent's total, the "other units" row is itself kept at
`minimum` or more (or empty) by merging the smallest shown sibling into it as well.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Group:
    #: The unit (None: the region).
    unit_id: int | None
    #: True for "other units of unit_id" (the merged small units and people directly in it).
    rest: bool
    #: Depth in the report (0 = region).
    depth: int
    #: Counted answers: (question id, choice) → count.
    counts: Counter = field(default_factory=Counter)
    #: How many answered.
    answers: int = 0


def groups(own: dict[int | None, Counter], answers: dict[int | None, int], parent: dict[int, int | None],
           minimum: int) -> list[Group]:
    """Report rows, region first, each unit followed by its shown subunits and its merged rest."""
    children: dict[int | None, list[int]] = {}
    for unit, up in parent.items():
        children.setdefault(up, []).append(unit)
    totals: dict[int | None, tuple[Counter, int]] = {}

    def total(unit: int | None) -> tuple[Counter, int]:
        if unit not in totals:
            counts, n = Counter(own.get(unit, Counter())), answers.get(unit, 0)
            for child in children.get(unit, []):
                c, k = total(child)
                counts.update(c)
                n += k
            totals[unit] = (counts, n)
        return totals[unit]

    rows: list[Group] = []

    def walk(unit: int | None, depth: int) -> None:
        counts, n = total(unit)
        rows.append(Group(unit, False, depth, counts, n))
        shown = sorted((c for c in children.get(unit, []) if total(c)[1] >= minimum), key=lambda c: total(c)[1])
        rest = n - sum(total(c)[1] for c in shown)
        while 0 < rest < minimum and shown:
            rest += total(shown.pop(0))[1]
        for child in sorted(shown):
            walk(child, depth + 1)
        if shown and rest:
            rest_counts = Counter(counts)
            for child in shown:
                rest_counts.subtract(total(child)[0])
            rows.append(Group(unit, True, depth + 1, +rest_counts, rest))

    walk(None, 0)
    return rows

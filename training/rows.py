"""The plain rows that training pages and exports list (read as tuples, not ORM objects:
the lists are read often and can be region-sized)."""
from __future__ import annotations

from typing import NamedTuple


class PersonRow(NamedTuple):
    """What a people list shows of a person (a plain row: lists are read often and big)."""

    id: int
    name: str
    username: str
    employee_number: str | None
    unit_id: int | None


class UnitRow(NamedTuple):
    id: int
    name: str


class UnitNode(NamedTuple):
    """A unit in the region's tree (a plain row: the region has thousands of units)."""

    id: int
    name: str
    path: str
    parent_id: int | None
    level: int

"""The plain rows that training pages and exports list (read as tuples, not ORM objects:
the lists are read often and can be region-sized)."""
from __future__ import annotations

from typing import NamedTuple

from models import Person
from models.directory import person_name


class PersonRow(NamedTuple):
    """What a people list shows of a person (a plain row: lists are read often and big)."""

    id: int
    name: str
    username: str
    employee_number: str | None
    unit_id: int | None


#: The columns a PersonRow is read from, in `person_row`'s order.
PERSON_ROW_COLUMNS = (Person.id, Person.display_name, Person.given_name, Person.family_name, Person.username,
                      Person.employee_number, Person.unit_id)


def person_row(pid: int, display: str | None, given: str | None, family: str | None, username: str,
               number: str | None, unit_id: int | None) -> PersonRow:
    """A PersonRow from PERSON_ROW_COLUMNS, named as `Person.name` names the person."""
    return PersonRow(pid, person_name(display, given, family, username), username, number, unit_id)


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

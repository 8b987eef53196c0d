"""One sentence that tells a person where they stand on a requirement, and why.

"Säkert Beteende 2024 krävs sedan 1 dec. 2024; din genomförda 2023-version gällde till
30 nov. 2024." Pure apart from the translation and date formatting of the request.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _

from models import Completion, CourseVersion, Requirement
from training.status import COMPLETED, EXEMPT, OVERDUE, Status


def _day(value: date) -> str:
    return format_date(value, "medium")


def earlier_completion(requirement: Requirement, history: list[tuple[Completion, CourseVersion]]
                       ) -> tuple[Completion, CourseVersion] | None:
    """The person's latest completion of the requirement's course (whether it still counts or not)."""
    done = [(c.completed_at, (c, v)) for c, v in history
            if v.course_id == requirement.course_id and c.state == COMPLETED and c.completed_at is not None]
    return max(done, key=lambda item: item[0])[1] if done else None


def status_sentence(requirement: Requirement, status: Status | None,
                    history: list[tuple[Completion, CourseVersion]], today: date) -> str:
    """Where the person stands on `requirement` today, in one sentence with the reason."""
    name = requirement.name
    if status is None:
        return _("%(req)s gäller inte dig just nu.", req=name)
    if status.state == COMPLETED:
        if status.valid_until is not None:
            return _("Du är klar med %(req)s. Din genomförda version gäller till %(until)s.",
                     req=name, until=_day(status.valid_until))
        return _("Du är klar med %(req)s.", req=name)
    if status.state == EXEMPT:
        return _("Du är undantagen från %(req)s till och med %(until)s.", req=name,
                 until=_day(status.exempt_until or today))
    earlier = earlier_completion(requirement, history)
    lapsed = earlier is not None and status.due_on is not None
    if status.state == OVERDUE and lapsed:
        assert earlier is not None and status.due_on is not None
        return _("%(req)s krävs sedan %(since)s; din genomförda %(version)s gällde till %(until)s.",
                 req=name, since=_day(status.due_on + timedelta(days=1)), version=earlier[1].name,
                 until=_day(status.due_on))
    if status.state == OVERDUE and status.due_on is not None:
        days = (today - status.due_on).days
        return _("%(req)s skulle vara genomförd senast %(due)s, och vi har ingen genomförd kurs registrerad "
                 "för dig. Du är %(days)s dagar sen.", req=name, due=_day(status.due_on), days=days)
    if status.due_on is not None:
        return _("Du behöver genomföra %(req)s senast %(due)s.", req=name, due=_day(status.due_on))
    return _("Du behöver genomföra %(req)s.", req=name)

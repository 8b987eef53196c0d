"""Course data for the communication plan: the "not done with the course" audience and
the {status} / {kurslänk} placeholders (see `campaign.audience.TrainingHook`)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from campaign.audience import TrainingInfo
from models import Person
from training import facts

#: Plain Swedish words for a message body ("Din status: försenad").
STATUS_WORDS = {
    "completed": "genomförd", "in_progress": "påbörjad", "not_started": "ej påbörjad",
    "overdue": "försenad", "exempt": "undantagen",
}


class TrainingHook:
    """Answers from the mandatory requirements, computed live from the data and `now`."""

    def not_done_person_ids(self, now: datetime) -> set[int]:
        ids: set[int] = set()
        for requirement in facts.active_requirements():
            ids.update(pid for pid, status in facts.statuses(requirement, now).items() if not status.done)
        return ids

    def person_info(self, person: Person, now: datetime) -> TrainingInfo | None:
        default_url = current_app.config.get("COURSE_URL") or current_app.config["BASE_URL"]
        for requirement in facts.active_requirements():
            status = facts.status_of(requirement, person, now)
            if status is not None:
                return TrainingInfo(STATUS_WORDS.get(status.state, status.state),
                                    requirement.course.url or default_url)
        return None

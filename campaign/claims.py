"""What other packages say about plan messages they own, asked through signals so that campaign
never imports them (a pulse planned by a "quiz" item, in pulse/planning.py).

* `due_claim`: at a non-mail message's time (`campaign.sending`), is it published by another
  package's own flow (no "publish now" task), or should the owner's task mail say something else?
* `item_links`: in the month calendar and the årshjul, a page to link instead of the message's
  own and a short text to show with it.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import url_for

import signals
from models import Person, PlanMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueClaim:
    """A receiver's answer to `signals.plan_message_due`."""

    #: The history comment when the receiver's flow is the publication: the message is marked
    #: published at its time, with no task and no mail to the owner. Empty: a task is opened.
    published: str = ""
    #: The owner's task mail, instead of "publish it in the channel" (both or neither).
    subject: str = ""
    text: str = ""


@dataclass(frozen=True)
class ItemLink:
    """A receiver's answer to `signals.plan_messages_listed`, for one message."""

    #: Text shown with the item (e.g. "kännedomsmätning 1–10 apr. 2031").
    note: str
    #: The page to link instead of the message page; None keeps the message page (the viewer
    #: may not see the other one).
    url: str | None = None


def due_claim(message: PlanMessage, now: datetime) -> DueClaim | None:
    """The first claim a receiver makes on a due message, or None (an ordinary task).

    A receiver that fails is logged and counts as no claim: the owner gets the ordinary task,
    and the other due messages of the run (intranet, Teams …) are not failed with it."""
    try:
        answers = signals.plan_message_due.send(signals.sender(), message=message, now=now)
    except Exception:
        log.exception("a plan_message_due receiver failed for plan message %s", message.id)
        return None
    for _receiver, answer in answers:
        if isinstance(answer, DueClaim):
            return answer
    return None


def item_links(messages: Sequence[PlanMessage], viewer: Person | None) -> dict[int, ItemLink]:
    """{message id: ItemLink} for the messages some package owns; the others are not in it."""
    links: dict[int, ItemLink] = {}
    if not messages:
        return links
    try:
        answers = signals.plan_messages_listed.send(signals.sender(), messages=list(messages), viewer=viewer)
    except Exception:  # the calendar still shows the messages, with their own pages
        log.exception("a plan_messages_listed receiver failed")
        return links
    for _receiver, answer in answers:
        links.update(answer or {})
    return links


def message_target(message: PlanMessage, links: dict[int, ItemLink]) -> tuple[str, ItemLink | None]:
    """Where a listed message links (the page another package named, or the message's own) and
    that package's ItemLink, if any: the month calendar and the årshjul list messages alike."""
    link = links.get(message.id)
    url = link.url if link is not None and link.url else url_for("campaign.message", message_id=message.id)
    return url, link

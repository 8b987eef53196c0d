"""How a plan message will look: example data per training status (never a real
colleague's), and "Skicka test till mig", the real rendered e-mail to the planner."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from campaign import markup
from campaign.sending import placeholder_values, wrap_html
from models import Person, PlanMessage
from outbox import operations as outbox

#: The training statuses a preview can show, with the words {status} becomes.
EXAMPLE_STATUSES = {
    "completed": _l("Genomförd"), "in_progress": _l("Påbörjad"), "not_started": _l("Ej påbörjad"),
    "overdue": _l("Försenad"),
}


def example_values(state: str) -> dict[str, str]:
    """Placeholder values of a made-up person with the given training status."""
    url = current_app.config.get("COURSE_URL") or current_app.config["BASE_URL"]
    return {"förnamn": "Alex", "enhet": _("Exempelkliniken"), "status": str(EXAMPLE_STATUSES[state]),
            "kurslänk": url}


def values_for(state: str | None, person: Person, now: datetime) -> dict[str, str]:
    """Example values for `state`, else the person's own."""
    return example_values(state) if state in EXAMPLE_STATUSES else placeholder_values(person, now)


def send_test(message: PlanMessage, to: Person, state: str | None, now: datetime) -> outbox.Enqueued:
    """Queue the message, rendered as it will go out, to `to` only; the caller commits."""
    rendered = markup.render(message.title, message.body, values_for(state, to, now))
    subject = _("[Test] %(subject)s", subject=rendered.subject)
    return outbox.enqueue(f"plan-test:{message.id}:{to.id}:{now.isoformat()}", to=to, subject=subject,
                          text=rendered.text, html=wrap_html(rendered.html, subject), created_by=to, now=now,
                          related=("plan_message_test", message.id))

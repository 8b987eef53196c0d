"""The APT mail: when an APT material goes out, each manager in its audience gets, through the
outbox and in their own language, the material and a one-click link to confirm it.

"Goes out": an activity of kind "apt" when it is saved (created or changed, not cancelled); a
plan message on the APT channel when it is marked published. Receivers of `activity_changed`
and `plan_message_published` call `announce`; the key apt:<material>:<manager> makes every
repeat (an edit, the CLI's `apt announce`) mail only the managers not mailed before.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from apt import queries
from apt.digest import deadline_text
from apt.materials import Material, from_activity, from_message, link
from campaign import markup
from models import Activity, Person, PlanMessage
from outbox import operations as outbox


def _locale(person: Person) -> str:
    return "en" if (person.locale or "").lower().startswith("en") else "sv"


def _mail(material: Material, manager: Person, now: datetime) -> str:
    locale = _locale(manager)
    url = link(material)
    with force_locale(locale):
        subject = _("APT-material: %(title)s", title=material.title)
        text = _("Hej %(name)s!\n\nTa upp det här materialet på er nästa arbetsplatsträff (APT) och kvittera sedan "
                 "med ett klick att det är gjort, %(deadline)s:\n%(url)s\n\n%(title)s\n\n%(body)s\n",
                 name=manager.given_name or manager.name, deadline=deadline_text(material, locale), url=url,
                 title=material.title, body=markup.to_text(markup.to_html(material.body)))
    result = outbox.enqueue(f"apt:{material.key}:{manager.id}", to=manager, subject=" ".join(subject.split()),
                            text=text, related=(f"apt_{material.kind}", material.id), now=now)
    return result.outcome


def announce(material: Material, now: datetime) -> int:
    """Queue the APT mail to every manager in the audience not mailed before; how many were queued."""
    managers = queries.managers_of(u.id for u in queries.expected_units(material))
    return sum(_mail(material, manager, now) == outbox.QUEUED for manager in managers)


def on_activity_changed(_sender, *, activity: Activity, now: datetime, **_kwargs) -> None:
    """Receiver of `signals.activity_changed`: an APT activity is announced when saved."""
    material = from_activity(activity)
    if material is not None:
        announce(material, now)


def on_plan_message_published(_sender, *, message: PlanMessage, now: datetime, **_kwargs) -> None:
    """Receiver of `signals.plan_message_published`: a message on the APT channel is announced."""
    material = from_message(message)
    if material is not None:
        announce(material, now)

"""Every cross-package event, declared in one place (blinker signals, as Indico does).

A package that owns a change sends the signal (each signal's doc says whether before or
after the commit); packages that care connect a receiver in their own `init_app`. Receivers take the
sender and `**kwargs`, so a new keyword argument breaks nobody. The sender is the
Flask app (`sender()`, the object behind `current_app`), which keeps receivers of one app
from firing for another app in the same process (the tests build many).
"""
from __future__ import annotations

from blinker import Namespace
from flask import Flask, current_app

_signals = Namespace()


def sender() -> Flask:
    """The app object behind `current_app`: the sender of every signal."""
    # Flask types `current_app` as a `Flask`, not as the werkzeug proxy it is.
    return current_app._get_current_object()  # type: ignore[attr-defined]


directory_synced = _signals.signal("directory-synced", doc="""
A directory sync (full or incremental) has been applied and committed.
kwargs: `run_id` (DirectorySyncRun id), `changed_person_ids` (set[int], people added,
moved or changed; may be empty), `deactivated_person_ids` (set[int]).""")

person_deactivated = _signals.signal("person-deactivated", doc="""
A person has left (deactivated by the directory sync or by an admin) and committed.
kwargs: `person_id` (int).""")

roles_changed = _signals.signal("roles-changed", doc="""
A person's roles in Vaksam changed (a grant added or removed, directory groups changed).
kwargs: `person_id` (int), `removed` (set[str], roles taken away; may be empty).""")

completions_imported = _signals.signal("completions-imported", doc="""
Completions were imported, undone, or reported through the API, and committed.
kwargs: `person_ids` (set[int], the people whose facts changed), `batch_id` (int | None).""")

activity_changed = _signals.signal("activity-changed", doc="""
An activity was created or changed (`campaign.activities.save_activity`). Sent inside the
writing transaction, after the flush: what receivers write (invitations, freed seats) is
committed or rolled back with the change itself.
kwargs: `activity` (Activity), `now` (datetime), `change` (str: "created", "updated"),
`actor_id` (int | None).""")

plan_message_published = _signals.signal("plan-message-published", doc="""
A plan message in a channel Vaksam does not post to was marked published
(`campaign.operations.mark_published`). Sent inside the writing transaction, after the flush:
what receivers write (the APT mail to the managers) is committed or rolled back with it.
kwargs: `message` (PlanMessage), `now` (datetime), `actor_id` (int | None).""")

plan_message_due = _signals.signal("plan-message-due", doc="""
A scheduled plan message in a channel Vaksam does not post to has reached its planned time
(`campaign.sending.send_due`, through `campaign.claims.due_claim`), before the owner's "publish now"
task is opened. Sent inside the writing transaction. A question as much as an event: a receiver
that owns such messages returns a `campaign.claims.DueClaim` (the message is published by the
receiver's own flow, so Vaksam marks it published with no task; or the owner's task mail says
something else than "publish it in the channel"); every other receiver returns None.
kwargs: `message` (PlanMessage), `now` (datetime).""")

plan_messages_listed = _signals.signal("plan-messages-listed", doc="""
The month calendar or the year wheel is about to list plan messages (`campaign.claims.item_links`).
A receiver that owns some of them returns {message id: `campaign.claims.ItemLink`} (the page to
link instead of the message's own, when the viewer may see it, and a short text such as the
dates of the pulse a "quiz" item plans); nothing is written.
kwargs: `messages` (list[PlanMessage]), `viewer` (Person, or None when no one is signed in).""")

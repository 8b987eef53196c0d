"""Calendar invitations: .ics downloads, subscribable feeds, iMIP invitations, registration.

* the only package that imports icalendar (ical.py writes calendars, itip.py reads answers)
  and imaplib (mailbox.py: the organiser mailbox)
* models: models/invites.py (FeedToken, Registration, Attendee, Reply, PersonAddress)
* calendar data: ical.py (pure), content.py (activity → calendar and e-mail text),
  recurrence.py (RRULE and occurrences, pure)
* writes: operations.py (attendees and the invitation e-mails), registration.py (seats and
  waiting list), replies.py (attendees' answers from the mailbox), tokens.py (feed tokens);
  reads: feeds.py, queries.py, answers.py; rules: rules.py; jobs: tasks.py
* listens to `signals.activity_changed` (campaign.activities.save_activity sends it) and
  brings the invitations up to date in the same transaction
"""
from __future__ import annotations

from flask import Flask

import signals
from invites import operations


def init_app(app: Flask) -> None:
    from invites import cli, views
    from outbox.mime import InvalidAddress, envelope_sender

    organizer = app.config.get("INVITE_ORGANIZER")
    if organizer:
        try:  # a typo here would otherwise surface as a failed invitation round
            envelope_sender(organizer)
        except InvalidAddress as exc:
            raise RuntimeError(f"INVITE_ORGANIZER is not a usable address: {organizer!r}") from exc

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.invites_group)

    # Connecting twice is a no-op (blinker keeps one entry per receiver); the receiver works
    # on the app that sent the signal, through its session.
    signals.activity_changed.connect(operations.on_activity_changed)
    app.jinja_env.globals.update(views.template_helpers())

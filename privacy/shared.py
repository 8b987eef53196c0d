"""Tables of other packages that retention and the extract handle by name, so that a table
this installation does not have (yet) is simply skipped: the lead adds a package's table here
when it lands, and its person reference to coverage.py."""
from __future__ import annotations

from sqlalchemy import Table

from extensions import db

#: Rows of a leaver deleted when they are pseudonymised (each table has a person_id column).
LEAVER_DELETES = ("role_grant", "invite_feed_token", "person_address", "oidc_sign_in", "user_session",
                  "training_refresh_queue", "apt_digest_entry")
#: Tables of answers to an activity (activity_id), deleted with its registrations; the second item
#: names the column that dates an answer matched to no activity (None: every row has an activity).
REPLY_TABLES = (("invite_registration", None), ("invite_attendee", None), ("invite_reply", "received_at"))
#: Session tables and the column after which a row is over (for the "sessions" category).
SESSION_TABLES = (("user_session", "expires_at"), ("oidc_sign_in", "created_at"))


def shared_table(name: str) -> Table | None:
    return db.metadata.tables.get(name)

"""Every place in the schema that points at a person, declared once: the register extract
reads exactly these, and each names the retention category that ends it.

A new table with a person reference (a foreign key to person.id, or a column named
`person_id` / `…_person_id`) must be added here; tests/privacy/test_coverage.py walks the
schema and fails until it is. For a reference that is kept as a fact (a completion, a
comment), the rule is "leavers": the person behind it is pseudonymised.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table

from privacy.retention import BY_NAME


@dataclass(frozen=True)
class PersonReference:
    #: Table name.
    table: str
    #: The column holding the person's id.
    column: str
    #: Section heading in the extract (a lazy Swedish msgid; the extract document is made in Swedish).
    label: str
    #: The retention category (privacy/retention.py) that ends or pseudonymises it.
    retention: str
    #: "rows" (every row in the extract) or "count" (only how many: caches over other people).
    show: str = "rows"


REFERENCES: tuple[PersonReference, ...] = (
    PersonReference("person", "manager_id", _l("Medarbetare med personen som närmaste chef"), "leavers", "count"),
    PersonReference("person_ancestor", "descendant_id", _l("Chefer ovanför personen"), "leavers"),
    PersonReference("person_ancestor", "ancestor_id", _l("Medarbetare under personen"), "leavers", "count"),
    PersonReference("role_grant", "person_id", _l("Roller"), "leavers"),
    PersonReference("role_grant", "granted_by_id", _l("Roller som personen gett andra"), "leavers"),
    PersonReference("training_completion", "person_id", _l("Genomförda utbildningar (med härkomst)"), "leavers"),
    PersonReference("training_exemption", "person_id", _l("Undantag"), "leavers"),
    PersonReference("training_exemption", "created_by_id", _l("Undantag som personen beslutat"), "leavers"),
    PersonReference("training_exemption", "revoked_by_id", _l("Undantag som personen återkallat"), "leavers"),
    PersonReference("training_status", "person_id", _l("Aktuell utbildningsstatus"), "leavers"),
    PersonReference("training_team_summary", "manager_id", _l("Sammanställning för personens grupp"), "leavers"),
    PersonReference("training_reminder", "person_id", _l("Påminnelser"), "leavers"),
    PersonReference("training_reminder", "created_by_id", _l("Påminnelser som personen skickat"), "leavers"),
    PersonReference("training_reminder_template", "updated_by_id", _l("Påminnelsetexter som personen ändrat"),
                    "leavers"),
    PersonReference("training_import_batch", "created_by_id", _l("Importer som personen gjort"), "leavers"),
    PersonReference("training_import_batch", "undone_by_id", _l("Importer som personen ångrat"), "leavers"),
    PersonReference("training_column_mapping", "created_by_id", _l("Kolumnmappningar som personen sparat"), "leavers"),
    PersonReference("api_token", "created_by_id", _l("API-nycklar som personen skapat"), "leavers"),
    PersonReference("outbox_message", "recipient_id", _l("E-post till personen"), "mail_content"),
    PersonReference("outbox_message", "created_by_id", _l("E-post som personen orsakat"), "mail_content"),
    PersonReference("audit_event", "actor_id", _l("Händelser i granskningsloggen utförda av personen"),
                    "audit_events"),
    PersonReference("invite_registration", "person_id", _l("Anmälningar till aktiviteter"), "activity_replies"),
    PersonReference("invite_attendee", "person_id", _l("Kalenderinbjudningar och svar"), "activity_replies"),
    PersonReference("invite_feed_token", "person_id", _l("Kalenderlänkar"), "leavers"),
    PersonReference("campaign", "owner_id", _l("Kampanjer som personen äger"), "leavers"),
    PersonReference("campaign_activity", "organiser_id", _l("Aktiviteter som personen arrangerar"), "leavers"),
    PersonReference("plan_message", "owner_id", _l("Kommunikationsplanens meddelanden (ägare)"), "leavers"),
    PersonReference("plan_message", "created_by_id", _l("Kommunikationsplanens meddelanden (skapade)"), "leavers"),
    PersonReference("plan_message", "content_edited_by_id", _l("Kommunikationsplanens meddelanden (senast redigerade)"),
                    "leavers"),
    PersonReference("plan_message_transition", "actor_id", _l("Ändringar i kommunikationsplanen"), "leavers"),
    PersonReference("plan_task", "owner_id", _l("Uppgifter i kommunikationsplanen"), "leavers"),
    PersonReference("plan_task", "done_by_id", _l("Uppgifter som personen klarmarkerat"), "leavers"),
    PersonReference("directory_sync_run", "requested_by_id", _l("Katalogsynkroniseringar som personen begärt"),
                    "leavers"),
    PersonReference("followup_action", "owner_id", _l("Åtgärder i revisionsuppföljningen (ansvarig)"), "leavers"),
    PersonReference("followup_action", "created_by_id", _l("Åtgärder i revisionsuppföljningen (skapade)"),
                    "leavers"),
    PersonReference("followup_document", "uploaded_by_id", _l("Underlag som personen laddat upp"), "evidence_files"),
    PersonReference("followup_evidence", "created_by_id", _l("Underlag som personen kopplat"), "leavers"),
    PersonReference("followup_comment", "author_id", _l("Kommentarer i revisionsuppföljningen"), "leavers"),
    PersonReference("followup_change", "actor_id", _l("Ändringar i revisionsuppföljningen"), "leavers"),
    PersonReference("followup_kpi_value", "recorded_by_id", _l("Nyckeltal som personen fört in"), "leavers"),
    PersonReference("apt_confirmation", "confirmed_by_id", _l("APT-kvittenser som personen gjort"), "leavers"),
    PersonReference("apt_stand_in", "manager_id", _l("Ställföreträdare som personen utsett"), "leavers"),
    PersonReference("apt_stand_in", "stand_in_id", _l("Chefer som personen är ställföreträdare för"), "leavers"),
    PersonReference("apt_digest_entry", "person_id", _l("APT-material som listats i personens sammanfattningar"),
                    "leavers"),
    PersonReference("pulse", "created_by_id", _l("Kännedomsmätningar som personen skapat"), "leavers"),
    PersonReference("pulse_participant", "person_id", _l("Kännedomsmätningar personen fått (och om hen svarat; "
                    "svaren sparas utan koppling till personen)"), "pulse_participants"),
    # Tables other packages add (privacy/shared.py); skipped while this installation has none of them.
    PersonReference("user_session", "person_id", _l("Inloggade sessioner"), "sessions"),
    PersonReference("oidc_sign_in", "person_id", _l("Inloggningar via regionens inloggningstjänst"), "sessions"),
    PersonReference("invite_reply", "person_id", _l("Svar på kalenderinbjudningar"), "activity_replies"),
    PersonReference("person_address", "person_id", _l("Andra e-postadresser"), "leavers"),
    PersonReference("outbox_skip", "recipient_id", _l("E-post som inte kunde skickas"), "mail_content"),
    PersonReference("training_refresh_queue", "person_id", _l("Väntande omräkning av status"), "leavers"),
)

#: Columns never shown in an extract: secrets and the raw bytes of a mail (its text is shown).
EXCLUDED_COLUMNS = {
    ("person", "password_hash"), ("invite_feed_token", "token_hash"), ("api_token", "token_hash"),
    ("outbox_message", "raw"), ("user_session", "session_key"), ("user_session", "data"),
    ("oidc_sign_in", "id_token"),
}

#: Person data found by value, not by a foreign key: (section key, label, retention category).
EXTRA_SECTIONS = (
    ("login_attempt", _l("Inloggningsförsök med personens användarnamn"), "login_attempts"),
    ("audit_about", _l("Händelser i granskningsloggen om personen"), "audit_events"),
)


def is_person_reference(table: Table, column_name: str) -> bool:
    column = table.c[column_name]
    if any(fk.column.table.name == "person" and fk.column.name == "id" for fk in column.foreign_keys):
        return True
    return column_name == "person_id" or column_name.endswith("_person_id")


def undeclared(tables: list[Table]) -> list[str]:
    """"table.column" for each person reference in `tables` that REFERENCES does not declare."""
    declared = {(r.table, r.column) for r in REFERENCES}
    return sorted(f"{t.name}.{c.name}" for t in tables for c in t.columns
                  if is_person_reference(t, c.name) and (t.name, c.name) not in declared)


def present(tables: dict[str, Table]) -> list[PersonReference]:
    """The declared references whose table this installation has."""
    return [r for r in REFERENCES if r.table in tables]


def stale(tables: dict[str, Table]) -> list[str]:
    """Declared references whose table exists but has no such column (a renamed column)."""
    return sorted(f"{r.table}.{r.column}" for r in present(tables) if r.column not in tables[r.table].c)


def unknown_categories() -> list[str]:
    names = {r.retention for r in REFERENCES} | {extra[2] for extra in EXTRA_SECTIONS}
    return sorted(name for name in names if name not in BY_NAME)

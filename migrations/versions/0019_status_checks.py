"""CHECK constraints on the status columns that hold a fixed set of values

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-07 04:45:00

The values are spelled out here (not imported from the models) so that this migration keeps
meaning what it meant. A database holding a value outside a set refuses the upgrade; that value
would be a bug to look at before upgrading.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = "0017"
branch_labels = None
depends_on = None

#: (table, constraint name without the ck_<table>_ prefix, condition)
CHECKS = [
    ('job_run', 'outcome_known',
     "outcome IN ('requested', 'running', 'ok', 'failed', 'stopped', 'interrupted')"),
    ('directory_sync_run', 'outcome_known',
     "outcome IN ('requested', 'running', 'ok', 'failed', 'refused')"),
    ('directory_sync_run', 'trigger_known',
     "trigger IN ('cli', 'scheduler', 'admin', 'demo', 'changes')"),
    ('followup_action', 'status_known',
     "status IN ('planned', 'in_progress', 'done', 'postponed')"),
    ('outbox_message', 'status_known',
     "status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')"),
    ('outbox_skip', 'reason_known',
     "reason IN ('no_address', 'invalid_address', 'invalid_header')"),
    ('role_grant', 'role_known',
     "role IN ('admin', 'comms', 'manager', 'employee')"),
    ('role_grant', 'source_known',
     "source IN ('app', 'directory', 'oidc')"),
    ('training_reminder_template', 'kind_known',
     "kind IN ('employee', 'digest', 'escalation')"),
    ('campaign_activity', 'kind_known',
     "kind IN ('lecture', 'webinar', 'apt', 'quiz', 'stand')"),
    ('campaign_activity', 'status_known',
     "status IN ('planned', 'confirmed', 'cancelled')"),
    ('plan_message', 'status_known',
     "status IN ('draft', 'review', 'approved', 'scheduled', 'sent', 'published', 'failed', 'cancelled')"),
    ('training_import_batch', 'source_known',
     "source IN ('web', 'cli', 'demo')"),
    ('training_import_batch', 'status_known',
     "status IN ('imported', 'unchanged', 'undone')"),
    ('training_reminder', 'kind_known',
     "kind IN ('employee', 'manual', 'digest', 'escalation', 'escalated')"),
    ('training_reminder', 'outcome_known',
     "outcome IN ('queued', 'duplicate', 'no_address', 'invalid_address', 'invalid_header', 'no_manager', 'undone')"),
    ('training_status', 'state_known',
     "state IN ('completed', 'in_progress', 'not_started', 'overdue', 'exempt')"),
    ('followup_evidence', 'kind_known',
     "kind IN ('activity', 'message', 'requirement', 'document', 'url')"),
    ('invite_attendee', 'method_known',
     "method IN ('REQUEST', 'CANCEL')"),
    ('invite_attendee', 'partstat_known',
     "partstat IN ('ACCEPTED', 'TENTATIVE', 'DECLINED', 'DELEGATED')"),
    ('invite_attendee', 'source_known',
     "source IN ('registration', 'audience')"),
    ('invite_registration', 'status_known',
     "status IN ('registered', 'waiting', 'cancelled')"),
    ('invite_reply', 'outcome_known',
     "outcome IN ('applied', 'stale', 'counter', 'occurrence', 'unmatched', 'malformed')"),
    ('plan_message_transition', 'from_status_known',
     "from_status IN ('', 'draft', 'review', 'approved', 'scheduled', 'sent', 'published', 'failed', 'cancelled')"),
    ('plan_message_transition', 'to_status_known',
     "to_status IN ('draft', 'review', 'approved', 'scheduled', 'sent', 'published', 'failed', 'cancelled')"),
    ('training_completion', 'source_known',
     "source IN ('import', 'api', 'demo')"),
    ('training_completion', 'state_known',
     "state IN ('completed', 'in_progress')"),
]


def _tables() -> dict[str, list[tuple[str, str]]]:
    by_table: dict[str, list[tuple[str, str]]] = {}
    for table, name, condition in CHECKS:
        by_table.setdefault(table, []).append((name, condition))
    return by_table


def upgrade():
    # batch_alter_table: SQLite cannot add a constraint to an existing table, so Alembic
    # rebuilds the table there; on PostgreSQL this is a plain ALTER TABLE … ADD CONSTRAINT.
    for table, checks in _tables().items():
        with op.batch_alter_table(table) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), condition)


def downgrade():
    for table, checks in reversed(list(_tables().items())):
        with op.batch_alter_table(table) as batch_op:
            for name, _condition in checks:
                batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")

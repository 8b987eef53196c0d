"""Reminder texts of kind "renewal": to people done with an older course version

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 06:20:00

The CHECK on training_reminder_template.kind gains 'renewal' (the round's reminder to someone
whose completion of an older version counts only until the requirement's transition date).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

TABLE = "training_reminder_template"
NAME = "ck_training_reminder_template_kind_known"


def upgrade():
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), "kind IN ('employee', 'renewal', 'digest', 'escalation')")


def downgrade():
    op.execute(f"DELETE FROM {TABLE} WHERE kind = 'renewal'")
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), "kind IN ('employee', 'digest', 'escalation')")

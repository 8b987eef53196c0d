"""retention: when a leaver was pseudonymised, when an evidence file was removed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 03:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pseudonymised_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('followup_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_removed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('followup_document', schema=None) as batch_op:
        batch_op.drop_column('file_removed_at')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('pseudonymised_at')

"""training: the status refresh queue (people a write could not refresh itself); a by-name index for exports

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_refresh_queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_refresh_queue'))
    )
    with op.batch_alter_table('training_status', schema=None) as batch_op:
        batch_op.create_index('ix_training_status_name', ['requirement_id', 'sort_name', 'person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('training_status', schema=None) as batch_op:
        batch_op.drop_index('ix_training_status_name')
    op.drop_table('training_refresh_queue')

"""training: counts per unit in the status cache (the region page reads them instead of counting); person.created_at indexed

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 06:20:00

The min(created_at) of people (the day the directory was first loaded) is read by every
live status ("Min utbildning", a person page): the index makes it one index probe instead of
a scan of 55,000 people.

The new table starts empty: every requirement is marked dirty, so the scheduler's next
refresh (within TRAINING_REFRESH_SECONDS) fills it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_unit_summary',
    sa.Column('requirement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('required', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('in_progress', sa.Integer(), nullable=False),
    sa.Column('not_started', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.Column('exempt', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('own', 'subtree')", name=op.f('ck_training_unit_summary_kind_known')),
    sa.ForeignKeyConstraint(['requirement_id'], ['training_requirement.id'], name=op.f('fk_training_unit_summary_requirement_id_training_requirement')),
    sa.PrimaryKeyConstraint('requirement_id', 'kind', 'unit_id', name=op.f('pk_training_unit_summary'))
    )
    op.execute("UPDATE training_refresh SET dirty = true")
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_created_at'))
    op.drop_table('training_unit_summary')

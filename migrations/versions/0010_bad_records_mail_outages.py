"""bad records and mail outages: skipped recipients, outages, first attempt, job run holder

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 03:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_skip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=400), nullable=False),
    sa.Column('related_type', sa.String(length=40), nullable=True),
    sa.Column('related_id', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recipient_id'], ['person.id'], name=op.f('fk_outbox_skip_recipient_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_skip')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_skip_idempotency_key'))
    )
    with op.batch_alter_table('outbox_skip', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_skip_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_skip_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('mail_outage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('alerted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outage'))
    )
    with op.batch_alter_table('mail_outage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_outage_ended_at'), ['ended_at'], unique=False)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_attempt_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_column('holder')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('first_attempt_at')

    with op.batch_alter_table('mail_outage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outage_ended_at'))
    op.drop_table('mail_outage')

    with op.batch_alter_table('outbox_skip', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_skip_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_skip_created_at'))
    op.drop_table('outbox_skip')

"""APT confirmations for plan messages on the APT channel; overdue APT materials listed in digests;
a pulse planned as a communication-plan item

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 06:20:00

A confirmation names exactly one material: an activity (as before) or a plan message. Every
existing row has an activity, so the CHECK holds for the data already there. apt_digest_entry
records that an overdue material was listed for a unit in a manager's digest.
pulse.plan_message_id links a pulse to the plan message (channel "quiz") that plans it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    # batch_alter_table: SQLite rebuilds the table (nullable change, new constraints).
    with op.batch_alter_table('apt_confirmation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.Integer(), nullable=True))
        batch_op.alter_column('activity_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_apt_confirmation_message_id_plan_message'), 'plan_message',
                                    ['message_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_apt_confirmation_message_id'), ['message_id'], unique=False)
        batch_op.create_unique_constraint('uq_apt_confirmation_message_unit', ['message_id', 'unit_id'])
        batch_op.create_check_constraint(op.f('ck_apt_confirmation_one_material'),
                                         "(activity_id IS NULL) <> (message_id IS NULL)")


    op.create_table('apt_digest_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('listed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(activity_id IS NULL) <> (message_id IS NULL)', name=op.f('ck_apt_digest_entry_one_material')),
    sa.ForeignKeyConstraint(['activity_id'], ['campaign_activity.id'], name=op.f('fk_apt_digest_entry_activity_id_campaign_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['plan_message.id'], name=op.f('fk_apt_digest_entry_message_id_plan_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_apt_digest_entry_person_id_person')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_apt_digest_entry_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_apt_digest_entry'))
    )
    with op.batch_alter_table('apt_digest_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_apt_digest_entry_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_apt_digest_entry_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_apt_digest_entry_person_id'), ['person_id'], unique=False)
    with op.batch_alter_table('pulse', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_message_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_pulse_plan_message_id_plan_message'), 'plan_message',
                                    ['plan_message_id'], ['id'], ondelete='SET NULL')
        batch_op.create_unique_constraint(batch_op.f('uq_pulse_plan_message_id'), ['plan_message_id'])


def downgrade():
    with op.batch_alter_table('pulse', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_pulse_plan_message_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_pulse_plan_message_id_plan_message'), type_='foreignkey')
        batch_op.drop_column('plan_message_id')
    with op.batch_alter_table('apt_digest_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apt_digest_entry_person_id'))
        batch_op.drop_index(batch_op.f('ix_apt_digest_entry_message_id'))
        batch_op.drop_index(batch_op.f('ix_apt_digest_entry_activity_id'))
    op.drop_table('apt_digest_entry')
    op.execute("DELETE FROM apt_confirmation WHERE message_id IS NOT NULL")
    with op.batch_alter_table('apt_confirmation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_apt_confirmation_one_material'), type_='check')
        batch_op.drop_constraint('uq_apt_confirmation_message_unit', type_='unique')
        batch_op.drop_index(batch_op.f('ix_apt_confirmation_message_id'))
        batch_op.drop_constraint(batch_op.f('fk_apt_confirmation_message_id_plan_message'), type_='foreignkey')
        batch_op.alter_column('activity_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('message_id')

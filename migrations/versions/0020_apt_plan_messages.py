"""APT confirmations for plan messages on the APT channel, not only for activities

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 06:20:00

A confirmation names exactly one material: an activity (as before) or a plan message. Every
existing row has an activity, so the CHECK holds for the data already there.
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


def downgrade():
    op.execute("DELETE FROM apt_confirmation WHERE message_id IS NOT NULL")
    with op.batch_alter_table('apt_confirmation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_apt_confirmation_one_material'), type_='check')
        batch_op.drop_constraint('uq_apt_confirmation_message_unit', type_='unique')
        batch_op.drop_index(batch_op.f('ix_apt_confirmation_message_id'))
        batch_op.drop_constraint(batch_op.f('fk_apt_confirmation_message_id_plan_message'), type_='foreignkey')
        batch_op.alter_column('activity_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('message_id')

"""calendar round 2: attendees' answers, the replies read from the organiser mailbox,
alternative addresses, all-day and recurring activities

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('person_address',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_address_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_address')),
    sa.UniqueConstraint('address', name=op.f('uq_person_address_address'))
    )
    with op.batch_alter_table('person_address', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_address_person_id'), ['person_id'], unique=False)

    op.create_table('invite_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=False),
    sa.Column('sender', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('method', sa.String(length=12), nullable=False),
    sa.Column('uid', sa.String(length=300), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('attendee', sa.String(length=320), nullable=False),
    sa.Column('partstat', sa.String(length=12), nullable=False),
    sa.Column('delegated_to', sa.String(length=320), nullable=False),
    sa.Column('proposed_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('proposed_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('folder', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['campaign_activity.id'], name=op.f('fk_invite_reply_activity_id_campaign_activity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_invite_reply_person_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invite_reply'))
    )
    with op.batch_alter_table('invite_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invite_reply_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invite_reply_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invite_reply_received_at'), ['received_at'], unique=False)

    with op.batch_alter_table('invite_attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partstat', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answer_sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answer_stamp', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('delegated_to', sa.String(length=320), nullable=True))

    # Existing activities: one timed occurrence each.
    with op.batch_alter_table('campaign_activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('all_day', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('rrule', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('exdates', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('overrides', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('campaign_activity', schema=None) as batch_op:
        for name in ('all_day', 'rrule', 'exdates', 'overrides'):
            batch_op.alter_column(name, server_default=None)


def downgrade():
    with op.batch_alter_table('campaign_activity', schema=None) as batch_op:
        batch_op.drop_column('overrides')
        batch_op.drop_column('exdates')
        batch_op.drop_column('rrule')
        batch_op.drop_column('all_day')

    with op.batch_alter_table('invite_attendee', schema=None) as batch_op:
        batch_op.drop_column('delegated_to')
        batch_op.drop_column('answer_stamp')
        batch_op.drop_column('answer_sequence')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('partstat')

    with op.batch_alter_table('invite_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invite_reply_received_at'))
        batch_op.drop_index(batch_op.f('ix_invite_reply_person_id'))
        batch_op.drop_index(batch_op.f('ix_invite_reply_activity_id'))
    op.drop_table('invite_reply')

    with op.batch_alter_table('person_address', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_address_person_id'))
    op.drop_table('person_address')

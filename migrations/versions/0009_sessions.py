"""server-side sessions, demo log-ins, login attempts keyed on the account

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 03:10:00

The session table is ours (Flask-Session would otherwise create its own at start-up).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_key', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_user_session_person_id_person'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('session_key', name=op.f('uq_user_session_session_key'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_session_expires_at'), ['expires_at'], unique=False)

    op.create_table('demo_login',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('username', sa.String(length=200), nullable=False),
    sa.Column('password', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demo_login')),
    sa.UniqueConstraint('username', name=op.f('uq_demo_login_username'))
    )

    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account', sa.String(length=500), nullable=True))
        batch_op.create_index('ix_login_attempt_account_at', ['account', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempt_account_at')
        batch_op.drop_column('account')

    op.drop_table('demo_login')
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_expires_at'))
        batch_op.drop_index(batch_op.f('ix_user_session_person_id'))

    op.drop_table('user_session')

"""oidc: sign-ins through the identity provider, accepted back-channel logout tokens

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 03:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('oidc_sign_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('idp_session_id', sa.String(length=255), nullable=True),
    sa.Column('id_token', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_oidc_sign_in_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_sign_in'))
    )
    with op.batch_alter_table('oidc_sign_in', schema=None) as batch_op:
        batch_op.create_index('ix_oidc_sign_in_subject', ['issuer', 'subject'], unique=False)
        batch_op.create_index('ix_oidc_sign_in_session', ['issuer', 'idp_session_id'], unique=False)
        batch_op.create_index('ix_oidc_sign_in_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_oidc_sign_in_created_at', ['created_at'], unique=False)

    op.create_table('oidc_logout_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('jti', sa.String(length=255), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_logout_token'))
    )
    with op.batch_alter_table('oidc_logout_token', schema=None) as batch_op:
        batch_op.create_index('uq_oidc_logout_token_issuer_jti', ['issuer', 'jti'], unique=True)
        batch_op.create_index('ix_oidc_logout_token_received_at', ['received_at'], unique=False)


def downgrade():
    op.drop_table('oidc_logout_token')
    op.drop_table('oidc_sign_in')

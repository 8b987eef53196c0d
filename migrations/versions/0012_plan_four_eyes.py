"""plan messages: who last changed the content (four-eyes approval)

Revision ID: 0012
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_edited_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_plan_message_content_edited_by_id_person'), 'person',
                                    ['content_edited_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('plan_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_plan_message_content_edited_by_id_person'), type_='foreignkey')
        batch_op.drop_column('content_edited_by_id')

"""certificates carry their signed credential, status index and log index

Revision ID: 11c7713dd566
Revises: 75fe88658d03
Create Date: 2026-11-26 17:33:52.616126
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = '11c7713dd566'
down_revision = '75fe88658d03'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credential', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('credential_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('status_index', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('log_index', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_certificates_status_index'), ['status_index'])



def downgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_certificates_status_index'), type_='unique')
        batch_op.drop_column('log_index')
        batch_op.drop_column('status_index')
        batch_op.drop_column('credential_sha256')
        batch_op.drop_column('credential')


"""courses can be shared to the catalogue

Revision ID: d2f6a9b3e417
Revises: b7e41c0a9d21
Create Date: 2026-11-26 19:40:51.716173
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = 'd2f6a9b3e417'
down_revision = 'b7e41c0a9d21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shared', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('shared')


"""revocations have a public category; the detailed reason is for staff only

Revision ID: a7c3e91d5f20
Revises: 4722ee74ed97
Create Date: 2026-12-06 16:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'a7c3e91d5f20'
down_revision = '4722ee74ed97'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_category', sa.String(length=16), nullable=True))
    # Earlier revocations gave only a free-text reason: the public page now says "other reasons" for them.
    op.execute("UPDATE certificates SET revoked_category = 'other' WHERE status = 'revoked'")


def downgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('revoked_category')

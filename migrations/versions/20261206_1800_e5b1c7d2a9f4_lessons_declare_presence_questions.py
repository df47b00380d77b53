"""lessons may declare presence-check questions (one-line questions from the lesson)

Revision ID: e5b1c7d2a9f4
Revises: b5d1e2f3a4c6
Create Date: 2026-12-06 18:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'e5b1c7d2a9f4'
down_revision = 'b5d1e2f3a4c6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('presence_questions', sa.JSON(), server_default='[]', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_column('presence_questions')

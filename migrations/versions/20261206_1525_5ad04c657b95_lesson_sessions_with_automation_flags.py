"""lesson sessions with automation flags

Revision ID: 5ad04c657b95
Revises: 376f21d949cd
Create Date: 2026-12-06 15:25:30.044910
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = '5ad04c657b95'
down_revision = '376f21d949cd'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lesson_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('started_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_beat_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('beats', sa.Integer(), nullable=False),
    sa.Column('credited_seconds', sa.Integer(), nullable=False),
    sa.Column('max_scroll', sa.Integer(), nullable=False),
    sa.Column('scrollable', sa.Boolean(), nullable=False),
    sa.Column('gaps_ms', sa.JSON(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_lesson_sessions_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lesson_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_sessions'))
    )
    with op.batch_alter_table('lesson_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_sessions_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_sessions_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('lesson_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_sessions_lesson_id'))

    op.drop_table('lesson_sessions')

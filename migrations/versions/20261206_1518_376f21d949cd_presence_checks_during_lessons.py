"""presence checks during lessons

Revision ID: 376f21d949cd
Revises: b762f3f0f65b
Create Date: 2026-12-06 15:18:40.639393
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = '376f21d949cd'
down_revision = 'b762f3f0f65b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('presence_states',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('next_due_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_answered_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('stopped', sa.Boolean(), nullable=False),
    sa.Column('since_answered', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_presence_states_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_presence_states'))
    )
    op.create_table('presence_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('prompt', sa.JSON(), nullable=False),
    sa.Column('answer', sa.String(length=8), nullable=False),
    sa.Column('shown_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('resolved_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_presence_checks_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_presence_checks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_presence_checks'))
    )
    with op.batch_alter_table('presence_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_presence_checks_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_presence_checks_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_presence_checks_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('presence_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_presence_checks_user_id'))
        batch_op.drop_index(batch_op.f('ix_presence_checks_outcome'))
        batch_op.drop_index(batch_op.f('ix_presence_checks_lesson_id'))

    op.drop_table('presence_checks')
    op.drop_table('presence_states')

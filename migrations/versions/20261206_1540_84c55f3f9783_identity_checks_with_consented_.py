"""identity checks with consented encrypted snapshots

Revision ID: 84c55f3f9783
Revises: 19963f9b85e7
Create Date: 2026-12-06 15:40:17.551115
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = '84c55f3f9783'
down_revision = '19963f9b85e7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('identity_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('moment', sa.String(length=12), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('taken_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=True),
    sa.Column('purged_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review', sa.String(length=20), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_identity_checks_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_identity_checks_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_identity_checks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_checks'))
    )
    with op.batch_alter_table('identity_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_checks_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_checks_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_flag', sa.String(length=40), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('evidence_flag')

    with op.batch_alter_table('identity_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_checks_user_id'))
        batch_op.drop_index(batch_op.f('ix_identity_checks_lesson_id'))

    op.drop_table('identity_checks')

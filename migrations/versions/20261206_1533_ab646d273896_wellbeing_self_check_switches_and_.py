"""wellbeing self-check switches and stored results

Revision ID: ab646d273896
Revises: 85dddac7d58a
Create Date: 2026-12-06 15:33:34.043339
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = 'ab646d273896'
down_revision = '85dddac7d58a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('self_check_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.String(length=80), nullable=False),
    sa.Column('instrument_version', sa.String(length=40), nullable=False),
    sa.Column('licence_name', sa.String(length=200), nullable=False),
    sa.Column('licence_confirmed_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sealed_answers', sa.LargeBinary(), nullable=False),
    sa.Column('taken_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_self_check_results_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_check_results'))
    )
    with op.batch_alter_table('self_check_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_check_results_user_id'), ['user_id'], unique=False)

    op.create_table('self_check_switches',
    sa.Column('instrument_id', sa.String(length=80), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('licence_name', sa.String(length=200), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('changed_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_self_check_switches_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('instrument_id', name=op.f('pk_self_check_switches'))
    )


def downgrade() -> None:
    op.drop_table('self_check_switches')
    with op.batch_alter_table('self_check_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_check_results_user_id'))

    op.drop_table('self_check_results')

"""skills: settings and assessments

Revision ID: ea19081c8d49
Revises: 1a2cd1635c24
Create Date: 2026-11-26 17:24:10.836634
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = 'ea19081c8d49'
down_revision = '1a2cd1635c24'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('skill_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('skill', sa.String(length=40), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('assessed_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessor_id'], ['users.id'], name=op.f('fk_skill_assessments_assessor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_skill_assessments_org_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_skill_assessments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill_assessments'))
    )
    with op.batch_alter_table('skill_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skill_assessments_user_id'), ['user_id'], unique=False)

    op.create_table('skill_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('verticals', sa.JSON(), nullable=False),
    sa.Column('share_token', sa.String(length=64), nullable=True),
    sa.Column('updated_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_skill_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_skill_settings')),
    sa.UniqueConstraint('share_token', name=op.f('uq_skill_settings_share_token'))
    )


def downgrade() -> None:
    op.drop_table('skill_settings')
    with op.batch_alter_table('skill_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skill_assessments_user_id'))

    op.drop_table('skill_assessments')

"""study policies of organisations and cohorts

Revision ID: b762f3f0f65b
Revises: 4d098b4423af
Create Date: 2026-12-06 15:11:49.521363
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = 'b762f3f0f65b'
down_revision = '4d098b4423af'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('study_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('class_hour_minutes', sa.Integer(), nullable=False),
    sa.Column('daily_max_minutes', sa.Integer(), nullable=False),
    sa.Column('presence_interval_minutes', sa.Integer(), nullable=False),
    sa.Column('presence_answer_seconds', sa.Integer(), nullable=False),
    sa.Column('identity_at_start', sa.Boolean(), nullable=False),
    sa.Column('identity_random', sa.Boolean(), nullable=False),
    sa.Column('retention_years', sa.Integer(), nullable=False),
    sa.Column('updated_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_study_policies_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_study_policies_org_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_study_policies_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_policies')),
    sa.UniqueConstraint('scope', name=op.f('uq_study_policies_scope'))
    )
    with op.batch_alter_table('study_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_policies_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_policies_org_id'), ['org_id'], unique=False)

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('study_policy', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('study_policy')

    with op.batch_alter_table('study_policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_policies_org_id'))
        batch_op.drop_index(batch_op.f('ix_study_policies_cohort_id'))

    op.drop_table('study_policies')

"""cohort submissions to labor bureaus

Revision ID: df9a136b617f
Revises: 25dc9cf2d811
Create Date: 2026-11-26 18:17:46.442456
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = 'df9a136b617f'
down_revision = '25dc9cf2d811'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cohort_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('bureau_org_id', sa.Integer(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bureau_org_id'], ['organisations.id'], name=op.f('fk_cohort_submissions_bureau_org_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_submissions_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_cohort_submissions_submitted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_submissions')),
    sa.UniqueConstraint('cohort_id', 'bureau_org_id', name=op.f('uq_cohort_submissions_cohort_id_bureau_org_id'))
    )
    with op.batch_alter_table('cohort_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_submissions_bureau_org_id'), ['bureau_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_submissions_cohort_id'), ['cohort_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('cohort_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_submissions_cohort_id'))
        batch_op.drop_index(batch_op.f('ix_cohort_submissions_bureau_org_id'))

    op.drop_table('cohort_submissions')

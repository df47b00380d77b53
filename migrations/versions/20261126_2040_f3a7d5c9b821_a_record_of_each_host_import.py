"""a record of each host import

Revision ID: f3a7d5c9b821
Revises: e8b1c4d7f290
Create Date: 2026-11-26 20:33:27.150169
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = 'f3a7d5c9b821'
down_revision = 'e8b1c4d7f290'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('host_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('admin_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admin_id'], ['users.id'], name=op.f('fk_host_imports_admin_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_host_imports_cohort_id_cohorts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_host_imports_org_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_host_imports'))
    )
    with op.batch_alter_table('host_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_imports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_host_imports_org_id'), ['org_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('host_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_imports_org_id'))
        batch_op.drop_index(batch_op.f('ix_host_imports_created_at'))

    op.drop_table('host_imports')

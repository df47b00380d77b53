"""real name provided by an organisation (host import), until the holder confirms it

Revision ID: c93f5d2e8a14
Revises: 8d4e2b6a1c57
Create Date: 2026-11-27 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = 'c93f5d2e8a14'
down_revision = '8d4e2b6a1c57'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('real_name_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provided_by_org_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_real_name_profiles_provided_by_org_id_organisations'), 'organisations', ['provided_by_org_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('real_name_profiles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_real_name_profiles_provided_by_org_id_organisations'), type_='foreignkey')
        batch_op.drop_column('provided_by_org_id')

"""the accounts each host import created

Revision ID: 402e211f99f2
Revises: f3a7d5c9b821
Create Date: 2026-11-26 22:36:18.870981
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = '402e211f99f2'
down_revision = 'f3a7d5c9b821'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('host_import_accounts',
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['host_imports.id'], name=op.f('fk_host_import_accounts_import_id_host_imports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_host_import_accounts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('import_id', 'user_id', name=op.f('pk_host_import_accounts'))
    )
    with op.batch_alter_table('host_import_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_import_accounts_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('host_import_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_import_accounts_user_id'))

    op.drop_table('host_import_accounts')

"""an MCN may let its trainers import hosts; first set-password links kept (encrypted) until used or expired

Revision ID: b5d1e2f3a4c6
Revises: a7c3e91d5f20
Create Date: 2026-12-06 18:00:00
"""

from alembic import op
import sqlalchemy as sa



revision = 'b5d1e2f3a4c6'
down_revision = 'a7c3e91d5f20'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trainers_import_hosts', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'first_links',
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=True),
        sa.Column('link_ciphertext', sa.LargeBinary(), nullable=False),
        sa.Column('mailed', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['token_id'], ['password_reset_tokens.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['import_id'], ['host_imports.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('token_id'),
    )
    with op.batch_alter_table('first_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_first_links_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_first_links_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_first_links_import_id'), ['import_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('first_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_first_links_import_id'))
        batch_op.drop_index(batch_op.f('ix_first_links_user_id'))
        batch_op.drop_index(batch_op.f('ix_first_links_org_id'))
    op.drop_table('first_links')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('trainers_import_hosts')

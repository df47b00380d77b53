"""script check: saved scripts, organisation rules, anonymous finding counts

Revision ID: 5c7d2e9a1b34
Revises: 402e211f99f2
Create Date: 2026-12-06 15:00:00
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = '5c7d2e9a1b34'
down_revision = '402e211f99f2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('saved_scripts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('saved_at', lms.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_scripts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_scripts'))
    )
    with op.batch_alter_table('saved_scripts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_scripts_user_id'), ['user_id'], unique=False)

    op.create_table('org_script_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('phrase', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_org_script_rules_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_org_script_rules_org_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_script_rules')),
    sa.UniqueConstraint('org_id', 'phrase', name='uq_org_script_rules_org_phrase')
    )
    with op.batch_alter_table('org_script_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_script_rules_org_id'), ['org_id'], unique=False)

    op.create_table('script_finding_counts',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=60), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_script_finding_counts_org_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('org_id', 'rule_id', 'day', name=op.f('pk_script_finding_counts'))
    )


def downgrade() -> None:
    op.drop_table('script_finding_counts')
    with op.batch_alter_table('org_script_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_script_rules_org_id'))

    op.drop_table('org_script_rules')
    with op.batch_alter_table('saved_scripts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_scripts_user_id'))

    op.drop_table('saved_scripts')

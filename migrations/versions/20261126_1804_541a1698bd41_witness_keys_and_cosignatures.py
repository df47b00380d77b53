"""witness keys and cosignatures

Revision ID: 541a1698bd41
Revises: 52744753dbe0
Create Date: 2026-11-26 18:04:56.310880
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = '541a1698bd41'
down_revision = '52744753dbe0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('witness_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('vkey', sa.String(length=200), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_witness_keys_org_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_witness_keys')),
    sa.UniqueConstraint('vkey', name=op.f('uq_witness_keys_vkey'))
    )
    with op.batch_alter_table('witness_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_witness_keys_org_id'), ['org_id'], unique=False)

    op.create_table('cosignatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('witness_key_id', sa.Integer(), nullable=False),
    sa.Column('tree_size', sa.Integer(), nullable=False),
    sa.Column('root_hash', sa.String(length=64), nullable=False),
    sa.Column('timestamp', sa.BigInteger(), nullable=False),
    sa.Column('line', sa.String(length=300), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_cosignatures_org_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['witness_key_id'], ['witness_keys.id'], name=op.f('fk_cosignatures_witness_key_id_witness_keys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cosignatures'))
    )
    with op.batch_alter_table('cosignatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cosignatures_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cosignatures_tree_size'), ['tree_size'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('cosignatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cosignatures_tree_size'))
        batch_op.drop_index(batch_op.f('ix_cosignatures_org_id'))

    op.drop_table('cosignatures')
    with op.batch_alter_table('witness_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_witness_keys_org_id'))

    op.drop_table('witness_keys')

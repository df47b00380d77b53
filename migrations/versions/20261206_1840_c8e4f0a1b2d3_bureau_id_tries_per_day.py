"""a bureau compares at most a few different ID numbers per certificate in any 24 hours (keyed hashes only)

Revision ID: c8e4f0a1b2d3
Revises: e5b1c7d2a9f4
Create Date: 2026-12-06 18:40:00
"""

from alembic import op
import sqlalchemy as sa

import lms.db


revision = 'c8e4f0a1b2d3'
down_revision = 'e5b1c7d2a9f4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'bureau_id_allowances',
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('touched_at', lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_bureau_id_allowances_org_id_organisations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'],
                                name=op.f('fk_bureau_id_allowances_certificate_id_certificates'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('org_id', 'certificate_id', name=op.f('pk_bureau_id_allowances')),
    )
    op.create_table(
        'bureau_id_tries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('tried_at', lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_bureau_id_tries_org_id_organisations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'],
                                name=op.f('fk_bureau_id_tries_certificate_id_certificates'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bureau_id_tries')),
        sa.UniqueConstraint('org_id', 'certificate_id', 'id_hash', name=op.f('uq_bureau_id_tries_org_id_certificate_id_id_hash')),
    )
    with op.batch_alter_table('bureau_id_tries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bureau_id_tries_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bureau_id_tries_tried_at'), ['tried_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('bureau_id_tries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bureau_id_tries_tried_at'))
        batch_op.drop_index(batch_op.f('ix_bureau_id_tries_certificate_id'))
    op.drop_table('bureau_id_tries')
    op.drop_table('bureau_id_allowances')

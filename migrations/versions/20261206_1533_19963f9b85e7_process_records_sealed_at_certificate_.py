"""process records sealed at certificate issue

Revision ID: 19963f9b85e7
Revises: 5ad04c657b95
Create Date: 2026-12-06 15:33:33.805279
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = '19963f9b85e7'
down_revision = '5ad04c657b95'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('process_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sealed_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_process_records_certificate_id_certificates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_process_records_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_records')),
    sa.UniqueConstraint('certificate_id', name=op.f('uq_process_records_certificate_id'))
    )
    with op.batch_alter_table('process_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_records_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('process_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_records_user_id'))

    op.drop_table('process_records')

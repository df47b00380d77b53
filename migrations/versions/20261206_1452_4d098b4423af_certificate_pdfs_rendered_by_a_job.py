"""certificate pdfs rendered by a job

Revision ID: 4d098b4423af
Revises: e42e56349b86
Create Date: 2026-12-06 14:52:13.958363
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = '4d098b4423af'
down_revision = 'e42e56349b86'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('certificate_pdfs',
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('rendered_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_pdfs_certificate_id_certificates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('certificate_id', name=op.f('pk_certificate_pdfs'))
    )


def downgrade() -> None:
    op.drop_table('certificate_pdfs')

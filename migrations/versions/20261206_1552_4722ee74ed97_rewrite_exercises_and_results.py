"""rewrite exercises and results

Revision ID: 4722ee74ed97
Revises: e4a1c7d95b20
Create Date: 2026-12-06 15:52:36.927842
"""

from alembic import op
import sqlalchemy as sa
import lms.db


revision = '4722ee74ed97'
down_revision = 'e4a1c7d95b20'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exercises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('instruction_zh', sa.Text(), nullable=False),
    sa.Column('instruction_en', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('sample', sa.Text(), nullable=False),
    sa.Column('keep', sa.JSON(), nullable=False),
    sa.Column('model_answer', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['course_versions.id'], name=op.f('fk_exercises_version_id_course_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercises')),
    sa.UniqueConstraint('version_id', 'key', name=op.f('uq_exercises_version_id_key'))
    )
    with op.batch_alter_table('exercises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exercises_version_id'), ['version_id'], unique=False)

    op.create_table('rewrite_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('best_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercises.id'], name=op.f('fk_rewrite_results_exercise_id_exercises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_rewrite_results_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rewrite_results')),
    sa.UniqueConstraint('user_id', 'exercise_id', name=op.f('uq_rewrite_results_user_id_exercise_id'))
    )
    with op.batch_alter_table('rewrite_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rewrite_results_exercise_id'), ['exercise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rewrite_results_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('rewrite_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rewrite_results_user_id'))
        batch_op.drop_index(batch_op.f('ix_rewrite_results_exercise_id'))

    op.drop_table('rewrite_results')
    with op.batch_alter_table('exercises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exercises_version_id'))

    op.drop_table('exercises')

"""an import's hidden staging bank (question_bank/staging.py)

Revision ID: 0004_ack
Revises: 0003
Create Date: 2026-12-02 04:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0004_ack'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bank', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staging', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('staging_for', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('bank', schema=None) as batch_op:
        batch_op.drop_column('staging_for')
        batch_op.drop_column('staging')

"""server processes with their release and a heartbeat (quiz/record/processes.py)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 01:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('server_process',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('release', sa.String(length=64), nullable=False),
    sa.Column('schema', sa.String(length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('server_process', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_server_process_seen_at'), ['seen_at'], unique=False)


def downgrade():
    with op.batch_alter_table('server_process', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_server_process_seen_at'))
    op.drop_table('server_process')

"""diary outbox: each fill for the trader's diary

Revision ID: b0ea883cbb72
Revises: 5c1d7e2a9f40
Create Date: 2026-12-06 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b0ea883cbb72'
down_revision = '5c1d7e2a9f40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('diary_outbox',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('order_id', sa.BigInteger(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diary_outbox'))
    )


def downgrade():
    op.drop_table('diary_outbox')

"""the daily digest per time zone: each user's time zone, the dispatches per zone and local day

Revision ID: 4e1f7c2a9b30
Revises: 3d987852561f
Create Date: 2026-12-06 05:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e1f7c2a9b30'
down_revision = '3d987852561f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_settings',
    sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_settings'))
    )
    op.create_table('digest_dispatches',
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('users', sa.Integer(), nullable=False),
    sa.Column('batches', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('digests', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('time_zone', 'day', name=op.f('pk_digest_dispatches'))
    )


def downgrade():
    op.drop_table('digest_dispatches')
    op.drop_table('notification_settings')

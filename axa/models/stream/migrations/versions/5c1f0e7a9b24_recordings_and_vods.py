"""recordings and vods

Revision ID: 5c1f0e7a9b24
Revises: 2599d043d3d6
Create Date: 2026-12-06 05:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1f0e7a9b24'
down_revision = '2599d043d3d6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('channel_recordings',
    sa.Column('channel_id', sa.BigInteger(), nullable=False),
    sa.Column('recording', sa.Boolean(), nullable=False),
    sa.Column('retention_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('retention_days BETWEEN 1 AND 3650', name=op.f('ck_channel_recordings_retention_days')),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_channel_recordings_channel_id_channels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('channel_id', name=op.f('pk_channel_recordings'))
    )
    op.create_table('vods',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('channel_id', sa.BigInteger(), nullable=True),
    sa.Column('session_id', sa.BigInteger(), nullable=True),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.String(length=300), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_ms', sa.BigInteger(), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('video_key', sa.String(length=200), nullable=True),
    sa.Column('thumbnail_key', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('processing', 'ready', 'failed')", name=op.f('ck_vods_state')),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_vods_channel_id_channels'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_vods_session_id_live_sessions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vods')),
    sa.UniqueConstraint('source', name=op.f('uq_vods_source'))
    )
    with op.batch_alter_table('vods', schema=None) as batch_op:
        batch_op.create_index('ix_vods_channel_id_id', ['channel_id', 'id'], unique=False)
        batch_op.create_index('ix_vods_recorded_at', ['recorded_at'], unique=False)


def downgrade():
    with op.batch_alter_table('vods', schema=None) as batch_op:
        batch_op.drop_index('ix_vods_recorded_at')
        batch_op.drop_index('ix_vods_channel_id_id')
    op.drop_table('vods')
    op.drop_table('channel_recordings')

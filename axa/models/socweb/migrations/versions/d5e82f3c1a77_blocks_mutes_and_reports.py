"""blocks, mutes and reports

Revision ID: d5e82f3c1a77
Revises: b7c41e2a9f10
Create Date: 2026-12-06 02:25:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'd5e82f3c1a77'
down_revision = 'b7c41e2a9f10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('blocks',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('blocker_id', sa.BigInteger(), nullable=False),
    sa.Column('blocked_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('blocker_id <> blocked_id', name=op.f('ck_blocks_not_self')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blocks')),
    sa.UniqueConstraint('blocker_id', 'blocked_id', name='uq_blocks_pair')
    )
    op.create_index('ix_blocks_blocked_id_blocker_id', 'blocks', ['blocked_id', 'blocker_id'], unique=False)
    op.create_table('mutes',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('muter_id', sa.BigInteger(), nullable=False),
    sa.Column('muted_id', sa.BigInteger(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('muter_id <> muted_id', name=op.f('ck_mutes_not_self')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mutes')),
    sa.UniqueConstraint('muter_id', 'muted_id', name='uq_mutes_pair')
    )
    op.create_table('reports',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('reporter_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('post_id', sa.BigInteger(), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.String(length=1000), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=True),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('resolved_by', sa.BigInteger(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('open', 'resolved', 'dismissed')", name=op.f('ck_reports_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    op.create_index('ix_reports_status_id', 'reports', ['status', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_reports_status_id', table_name='reports')
    op.drop_table('reports')
    op.drop_table('mutes')
    op.drop_index('ix_blocks_blocked_id_blocker_id', table_name='blocks')
    op.drop_table('blocks')

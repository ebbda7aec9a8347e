"""price alerts

Revision ID: 7c1e4a9b2d30
Revises: 0bd58a820d5a
Create Date: 2026-12-06 02:10:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '7c1e4a9b2d30'
down_revision = '0bd58a820d5a'
branch_labels = None
depends_on = None

NUMBER = sa.Numeric(precision=38, scale=18)


def upgrade():
    op.create_table('alerts',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('coin_id', sa.BigInteger(), nullable=True),
    sa.Column('symbol', sa.String(length=64), nullable=False),
    sa.Column('ref', sa.String(length=100), nullable=False),
    sa.Column('condition', sa.String(length=16), nullable=False),
    sa.Column('level', NUMBER, nullable=True),
    sa.Column('threshold_pct', NUMBER, nullable=True),
    sa.Column('window', sa.String(length=8), nullable=True),
    sa.Column('recurring', sa.Boolean(), nullable=False),
    sa.Column('cooldown_s', sa.Integer(), nullable=False),
    sa.Column('channels', postgresql.ARRAY(sa.String(length=16)), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('last_side', sa.String(length=8), nullable=True),
    sa.Column('last_price', NUMBER, nullable=True),
    sa.Column('last_as_of', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_fired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fired_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("(coin_id IS NULL) = (kind = 'stock')", name=op.f('ck_alerts_one_target')),
    sa.CheckConstraint("status IN ('active', 'paused', 'triggered')", name=op.f('ck_alerts_status_known')),
    sa.CheckConstraint('(level IS NULL) <> (threshold_pct IS NULL)', name=op.f('ck_alerts_level_or_threshold')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts'))
    )
    op.create_index('ix_alerts_user_id_id', 'alerts', ['user_id', 'id'], unique=False)
    op.create_index('ix_alerts_active_ref', 'alerts', ['ref'], unique=False,
                    postgresql_where=sa.text("status = 'active'"))
    op.create_table('alert_events',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('alert_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('coin_id', sa.BigInteger(), nullable=True),
    sa.Column('symbol', sa.String(length=64), nullable=False),
    sa.Column('condition', sa.String(length=16), nullable=False),
    sa.Column('level', NUMBER, nullable=True),
    sa.Column('threshold_pct', NUMBER, nullable=True),
    sa.Column('window', sa.String(length=8), nullable=True),
    sa.Column('price', NUMBER, nullable=False),
    sa.Column('change_pct', NUMBER, nullable=True),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fired_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mail_state', sa.String(length=8), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_events'))
    )
    op.create_index('ix_alert_events_user_id_id', 'alert_events', ['user_id', 'id'], unique=False)
    op.create_index('ix_alert_events_mail_pending', 'alert_events', ['id'], unique=False,
                    postgresql_where=sa.text("mail_state = 'pending'"))


def downgrade():
    op.drop_index('ix_alert_events_mail_pending', table_name='alert_events')
    op.drop_index('ix_alert_events_user_id_id', table_name='alert_events')
    op.drop_table('alert_events')
    op.drop_index('ix_alerts_active_ref', table_name='alerts')
    op.drop_index('ix_alerts_user_id_id', table_name='alerts')
    op.drop_table('alerts')

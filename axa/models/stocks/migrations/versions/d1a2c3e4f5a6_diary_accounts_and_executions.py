"""diary: accounts and executions

Revision ID: d1a2c3e4f5a6
Revises: 701c9175be8d
Create Date: 2026-12-06 03:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1a2c3e4f5a6'
down_revision = '701c9175be8d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('diary_accounts',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("source IN ('manual')", name=op.f('ck_diary_accounts_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diary_accounts')),
    sa.UniqueConstraint('user_id', 'name', name='uq_diary_accounts_user_name')
    )
    with op.batch_alter_table('diary_accounts', schema=None) as batch_op:
        batch_op.create_index('ix_diary_accounts_user_id_id', ['user_id', 'id'], unique=False)

    op.create_table('diary_executions',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('symbol', sa.String(length=32), nullable=False),
    sa.Column('side', sa.String(length=4), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=38, scale=18), nullable=False),
    sa.Column('price', sa.Numeric(precision=38, scale=18), nullable=False),
    sa.Column('fee', sa.Numeric(precision=38, scale=18), nullable=False),
    sa.Column('executed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('initial_risk', sa.Numeric(precision=38, scale=18), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("side IN ('buy', 'sell')", name=op.f('ck_diary_executions_side')),
    sa.CheckConstraint('fee >= 0', name=op.f('ck_diary_executions_fee_not_negative')),
    sa.CheckConstraint('initial_risk IS NULL OR initial_risk > 0', name=op.f('ck_diary_executions_initial_risk_positive')),
    sa.CheckConstraint('price >= 0', name=op.f('ck_diary_executions_price_not_negative')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_diary_executions_quantity_positive')),
    sa.ForeignKeyConstraint(['account_id'], ['diary_accounts.id'], name=op.f('fk_diary_executions_account_id_diary_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diary_executions')),
    sa.UniqueConstraint('account_id', 'fingerprint', name='uq_diary_executions_account_fingerprint')
    )
    with op.batch_alter_table('diary_executions', schema=None) as batch_op:
        batch_op.create_index('ix_diary_executions_account_id_id', ['account_id', 'id'], unique=False)
        batch_op.create_index('ix_diary_executions_account_symbol_time', ['account_id', 'symbol', 'executed_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('diary_executions', schema=None) as batch_op:
        batch_op.drop_index('ix_diary_executions_account_symbol_time')
        batch_op.drop_index('ix_diary_executions_account_id_id')

    op.drop_table('diary_executions')
    with op.batch_alter_table('diary_accounts', schema=None) as batch_op:
        batch_op.drop_index('ix_diary_accounts_user_id_id')

    op.drop_table('diary_accounts')

"""partial fills (the quote an order last filled from) and equity snapshots (portfolio history)

Revision ID: 5c1d7e2a9f40
Revises: 81f0bbb4e9c9
Create Date: 2026-12-06 05:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1d7e2a9f40'
down_revision = '81f0bbb4e9c9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_fill_quote_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('equity_snapshots',
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('equity', sa.Numeric(precision=20, scale=2), nullable=False),
    sa.CheckConstraint("kind IN ('intraday', 'daily')", name=op.f('ck_equity_snapshots_kind')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_equity_snapshots_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'kind', 'at', name=op.f('pk_equity_snapshots'))
    )


def downgrade():
    op.drop_table('equity_snapshots')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('last_fill_quote_at')

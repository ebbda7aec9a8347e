"""portfolio daily values

Revision ID: 9d2f5b7c1e44
Revises: 7c1e4a9b2d30
Create Date: 2026-12-06 02:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d2f5b7c1e44'
down_revision = '7c1e4a9b2d30'
branch_labels = None
depends_on = None

NUMBER = sa.Numeric(precision=38, scale=18)


def upgrade():
    op.create_table('portfolio_values',
    sa.Column('portfolio_id', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=8), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('market_value', NUMBER, nullable=False),
    sa.Column('cost_basis', NUMBER, nullable=False),
    sa.Column('realized_pnl', NUMBER, nullable=False),
    sa.Column('unrealized_pnl', NUMBER, nullable=False),
    sa.Column('unquoted', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['portfolio_id'], ['portfolios.id'],
                            name=op.f('fk_portfolio_values_portfolio_id_portfolios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('portfolio_id', 'currency', 'day', name=op.f('pk_portfolio_values'))
    )


def downgrade():
    op.drop_table('portfolio_values')

"""portfolios that allow shorts, and portfolios linked to a paper account

Revision ID: a4c8e1f2b3d9
Revises: f3a9c2d4e5b6
Create Date: 2026-12-06 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c8e1f2b3d9'
down_revision = 'f3a9c2d4e5b6'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('portfolios', sa.Column('allow_short', sa.Boolean(), server_default=sa.text('false'),
                                          nullable=False))
    op.add_column('portfolio_transactions', sa.Column('fill_id', sa.BigInteger(), nullable=True))
    op.create_unique_constraint('uq_portfolio_transactions_fill', 'portfolio_transactions',
                                ['portfolio_id', 'fill_id'])
    op.create_table('paper_links',
    sa.Column('portfolio_id', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.Column('cursor', sa.BigInteger(), nullable=False),
    sa.Column('reset_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['portfolio_id'], ['portfolios.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('portfolio_id')
    )


def downgrade():
    op.drop_table('paper_links')
    op.drop_constraint('uq_portfolio_transactions_fill', 'portfolio_transactions', type_='unique')
    op.drop_column('portfolio_transactions', 'fill_id')
    op.drop_column('portfolios', 'allow_short')

"""portfolio CSV imports

Revision ID: f3a9c2d4e5b6
Revises: 9d2f5b7c1e44
Create Date: 2026-12-06 02:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3a9c2d4e5b6'
down_revision = '9d2f5b7c1e44'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('portfolio_imports',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('portfolio_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('csv_text', sa.Text(), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('rejected_count', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.JSON(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_portfolio_imports_status')),
    sa.ForeignKeyConstraint(['portfolio_id'], ['portfolios.id'], name=op.f('fk_portfolio_imports_portfolio_id_portfolios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolio_imports'))
    )
    op.create_index(op.f('ix_portfolio_imports_portfolio_id'), 'portfolio_imports', ['portfolio_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_portfolio_imports_portfolio_id'), table_name='portfolio_imports')
    op.drop_table('portfolio_imports')

"""diary sources: terminal accounts and CSV imports

Revision ID: 3e84b3b8077e
Revises: e7f1a2b3c4d5
Create Date: 2026-12-06 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e84b3b8077e'
down_revision = 'e7f1a2b3c4d5'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_constraint(op.f('ck_diary_accounts_source'), 'diary_accounts', type_='check')
    op.create_check_constraint(op.f('ck_diary_accounts_source'), 'diary_accounts',
                               "source IN ('manual', 'terminal')")
    op.create_table('diary_terminal_links',
    sa.Column('terminal_account_id', sa.BigInteger(), nullable=False),
    sa.Column('diary_account_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['diary_account_id'], ['diary_accounts.id'], name=op.f('fk_diary_terminal_links_diary_account_id_diary_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('terminal_account_id', name=op.f('pk_diary_terminal_links')),
    sa.UniqueConstraint('diary_account_id', name=op.f('uq_diary_terminal_links_diary_account_id'))
    )
    op.create_table('diary_imports',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('preset', sa.String(length=32), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=True),
    sa.Column('csv_text', sa.Text(), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('rejected_count', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.JSON(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_diary_imports_status')),
    sa.ForeignKeyConstraint(['account_id'], ['diary_accounts.id'], name=op.f('fk_diary_imports_account_id_diary_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diary_imports'))
    )
    op.create_index('ix_diary_imports_account_id_id', 'diary_imports', ['account_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_diary_imports_account_id_id', table_name='diary_imports')
    op.drop_table('diary_imports')
    op.drop_table('diary_terminal_links')
    op.execute("DELETE FROM diary_accounts WHERE source = 'terminal'")
    op.drop_constraint(op.f('ck_diary_accounts_source'), 'diary_accounts', type_='check')
    op.create_check_constraint(op.f('ck_diary_accounts_source'), 'diary_accounts', "source IN ('manual')")

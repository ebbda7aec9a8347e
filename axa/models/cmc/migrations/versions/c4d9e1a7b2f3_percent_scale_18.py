"""percent changes and dominance at scale 18

CMC sends percent changes with 10 significant digits: a change under 0.1 % has 11 or more
decimals (``-0.09406092656``), which ``numeric(28, 10)`` rounded. The coin page then disagreed
with the watchlist, which reads the same quote from the latest-quote contract in Redis with the
vendor's digits. Scale 18, as prices have.

Revision ID: c4d9e1a7b2f3
Revises: b7e2d4f6a8c1
Create Date: 2026-12-06 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d9e1a7b2f3'
down_revision = 'b7e2d4f6a8c1'
branch_labels = None
depends_on = None

COLUMNS = {"coin_quotes": ["percent_change_24h"],
           "global_metrics": ["total_market_cap_change_pct_24h", "total_volume_change_pct_24h",
                              "btc_dominance", "eth_dominance"]}


def _retype(new: sa.Numeric, old: sa.Numeric) -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=old, type_=new, existing_nullable=True)


def upgrade():
    _retype(sa.Numeric(38, 18), sa.Numeric(28, 10))


def downgrade():
    _retype(sa.Numeric(28, 10), sa.Numeric(38, 18))

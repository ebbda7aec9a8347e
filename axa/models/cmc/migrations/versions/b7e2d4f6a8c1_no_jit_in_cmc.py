"""no JIT compilation in cmc's database

The price alerts' evaluation of a quote batch (axa/models/cmc/alert_batch.py) selects the moving
alerts among 100,000 active ones and updates them in one statement; its cost estimate is past
``jit_above_cost``, and PostgreSQL spent ~60 ms compiling it on every batch, a quarter of the
evaluation (252 -> 189 ms a batch, bench/alerts_eval.py 0.27 -> 0.38 of its raw floor). As in
socweb's database (8c2d5e7f1a43): short OLTP statements pay for compilation and never earn it back.

Revision ID: b7e2d4f6a8c1
Revises: a4c8e1f2b3d9
Create Date: 2026-12-06 18:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7e2d4f6a8c1'
down_revision = 'a4c8e1f2b3d9'
branch_labels = None
depends_on = None

ALTER = "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I {}', current_database()); END $$"


def upgrade():
    op.execute(ALTER.format("SET jit = off"))  # new connections; the apps' pools open theirs after migrating


def downgrade():
    op.execute(ALTER.format("RESET jit"))

"""article counts from a narrow index, and no JIT compilation in socweb's database

The Conduit face's ``articlesCount`` counts every article the viewer may see. With 200,000 posts
that count read the whole posts heap (bodies included) and spent a further 150 ms compiling
itself with PostgreSQL's JIT (its cost estimate is past ``jit_above_cost``): 390 ms a page. A
partial index over (author_id, visibility, id) of titled posts lets it count by an index-only
scan, and JIT is turned off for the database (short OLTP queries pay for compilation and never
earn it back): 62 ms (bench/conduit_articles.py).

Revision ID: 8c2d5e7f1a43
Revises: 4e1f7c2a9b30
Create Date: 2026-12-06 12:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c2d5e7f1a43'
down_revision = '4e1f7c2a9b30'
branch_labels = None
depends_on = None

SET_JIT = "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET jit = {}', current_database()); END $$"


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_articles', ['author_id', 'visibility', 'id'], unique=False,
                              postgresql_where=sa.text('title IS NOT NULL'))
    op.execute(SET_JIT.format("off"))  # new connections; the apps' pools open theirs after migrating


def downgrade():
    op.execute("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET jit', current_database()); END $$")
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_articles', postgresql_where=sa.text('title IS NOT NULL'))

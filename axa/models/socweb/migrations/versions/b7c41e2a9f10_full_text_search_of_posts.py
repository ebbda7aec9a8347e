"""full-text search of posts: a weighted tsvector kept by PostgreSQL itself, and its GIN index

Revision ID: b7c41e2a9f10
Revises: 6a3e867b6b53
Create Date: 2026-12-06 02:15:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'b7c41e2a9f10'
down_revision = '6a3e867b6b53'
branch_labels = None
depends_on = None

# array_to_string is only STABLE, so a generated column cannot call it directly; this wrapper is
# IMMUTABLE for a fixed text search configuration (the usual PostgreSQL idiom). Title and tags
# weigh most (A), the description next (B), the body last (C).
DOCUMENT = """
CREATE FUNCTION socweb_post_document(title text, description text, body text, tags text[])
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
      || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(tags, ' '), '')), 'A')
      || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
      || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')
$$
"""


def upgrade():
    op.execute(DOCUMENT)
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search', postgresql.TSVECTOR(), sa.Computed(
            'socweb_post_document(title, description, body, tags)', persisted=True), nullable=True))
        batch_op.create_index('ix_posts_search', ['search'], unique=False, postgresql_using='gin')


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_search', postgresql_using='gin')
        batch_op.drop_column('search')
    op.execute("DROP FUNCTION socweb_post_document(text, text, text, text[])")

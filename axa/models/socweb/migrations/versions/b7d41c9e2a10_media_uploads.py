"""media: uploaded images, post attachments, profile avatar and header images

Revision ID: b7d41c9e2a10
Revises: d5e82f3c1a77
Create Date: 2026-12-06 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'b7d41c9e2a10'
down_revision = 'd5e82f3c1a77'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('media',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('description', sa.String(length=1500), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=True),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('variants', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attached_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('processing', 'ready', 'failed')", name=op.f('ck_media_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media')),
    sa.UniqueConstraint('owner_id', 'sha256', name='uq_media_owner_sha256')
    )
    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.create_index('ix_media_sha256', ['sha256'], unique=False)
        batch_op.create_index('ix_media_unattached_created_at', ['created_at'], unique=False,
                              postgresql_where=sa.text('attached_at IS NULL'))

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('media_ids', postgresql.ARRAY(sa.BigInteger()),
                                      server_default=sa.text("'{}'"), nullable=False))

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('avatar_media_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('header_media_id', sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_profiles_avatar_media_id_media'), 'media',
                                    ['avatar_media_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_profiles_header_media_id_media'), 'media',
                                    ['header_media_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_profiles_header_media_id_media'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_profiles_avatar_media_id_media'), type_='foreignkey')
        batch_op.drop_column('header_media_id')
        batch_op.drop_column('avatar_media_id')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('media_ids')

    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.drop_index('ix_media_unattached_created_at', postgresql_where=sa.text('attached_at IS NULL'))
        batch_op.drop_index('ix_media_sha256')

    op.drop_table('media')

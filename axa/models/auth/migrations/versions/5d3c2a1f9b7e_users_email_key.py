"""users.email_key: the normalized address (NFKC, case-folded, stripped), unique

Existing rows were stored as ``email.strip().lower()`` with a unique index on ``lower(email)``:
full-width letters, ligatures or ß were not folded, so two rows may name one address. The key is
computed here in Python, with the same rule as ``axa.models.auth.users.normalize_email`` (a copy:
a migration must not change when the application code does), because PostgreSQL's ``lower()``
depends on the database's collation and has no case folding. If two existing rows normalize to the
same key the upgrade stops and names their ids: which account keeps the address is an operator's
decision, not a migration's.

Revision ID: 5d3c2a1f9b7e
Revises: eba7c21106c5
Create Date: 2026-12-02 10:00:00.000000

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d3c2a1f9b7e'
down_revision = 'eba7c21106c5'
branch_labels = None
depends_on = None

USERS = sa.table("users", sa.column("id", sa.BigInteger), sa.column("email", sa.String),
                 sa.column("email_key", sa.String))


def _key(address):
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", address).casefold()).strip()


def upgrade():
    op.add_column("users", sa.Column("email_key", sa.String(length=320), nullable=True))
    conn = op.get_bind()
    owners = {}
    for user_id, email in conn.execute(sa.select(USERS.c.id, USERS.c.email).order_by(USERS.c.id)):
        owners.setdefault(_key(email), []).append(user_id)
    clashes = [ids for ids in owners.values() if len(ids) > 1]
    if clashes:
        raise RuntimeError("users whose emails normalize to one address (NFKC, case-folded): "
                           + "; ".join(f"ids {ids}" for ids in clashes)
                           + ". Change or merge all but one of each group, then upgrade again.")
    if owners:
        conn.execute(USERS.update().where(USERS.c.id == sa.bindparam("uid"))
                     .values(email_key=sa.bindparam("key")),
                     [{"uid": ids[0], "key": key} for key, ids in owners.items()])
    op.alter_column("users", "email_key", nullable=False)
    op.create_index("uq_users_email_key", "users", ["email_key"], unique=True)
    op.drop_index("uq_users_email_lower", table_name="users")


def downgrade():
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)
    op.drop_index("uq_users_email_key", table_name="users")
    op.drop_column("users", "email_key")

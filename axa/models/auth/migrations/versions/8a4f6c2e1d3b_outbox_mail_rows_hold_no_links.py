"""outbox mail rows hold no links: published ones deleted, waiting ones rewritten

A mail row's payload used to hold the rendered context, a live confirm or reset link included, and
was never deleted. From here on the row names only the template and the recipient, and the mail
task mints the link when it sends (axa/tasks/auth/mail.py). Published mail rows are deleted (their
mail was handed to the broker); rows still waiting for the relay are rewritten to the new shape,
addressed by the normalized address, so they are sent the new way with a fresh link.

Deploy note: task messages of the old shape still queued (a payload dict instead of a row id) fail
under the new task; let the workers drain the ``mail`` queue before upgrading.

Revision ID: 8a4f6c2e1d3b
Revises: 5d3c2a1f9b7e
Create Date: 2026-12-02 12:00:00.000000

"""
import json
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a4f6c2e1d3b'
down_revision = '5d3c2a1f9b7e'
branch_labels = None
depends_on = None


def _key(address):  # the rule of axa.models.auth.users.normalize_email, copied (see 5d3c2a1f9b7e)
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", address).casefold()).strip()


def upgrade():
    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM outbox WHERE topic = 'mail' AND published_at IS NOT NULL"))
    waiting = conn.execute(sa.text("SELECT id, payload FROM outbox WHERE topic = 'mail'")).all()
    rewritten = [{"id": row_id, "payload": json.dumps({"template": payload["template"], "user_id": None,
                                                       "email_key": _key(payload["to"])})}
                 for row_id, payload in waiting if "to" in payload]
    if rewritten:
        conn.execute(sa.text("UPDATE outbox SET payload = CAST(:payload AS json) WHERE id = :id"),
                     rewritten)


def downgrade():
    pass  # irreversible: the links are gone for good, and that is the point

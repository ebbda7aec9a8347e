# ruff: noqa: RUF001  (full-width look-alikes are the point of these tests)
"""Auth data migrations, each run on a scratch database holding rows the schema before it wrote:
``users.email_key`` (rows were ``email.strip().lower()``, unique on ``lower(email)``), and outbox
mail rows that held live links."""
from __future__ import annotations

import json

import pytest
from alembic import command
from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from axa.apps import create_auth_app
from axa.platform.config import database_url
from ops.migrate import ensure_database

BEFORE = "eba7c21106c5"
INSERT = text("INSERT INTO users (email, password_hash, display_name, status, roles, version) "
              "VALUES (:email, 'x', 'x', 'active', '{}', 1)")


@pytest.fixture
def scratch(databases):
    url = make_url(database_url("auth"))
    url = url.set(database=f"{url.database}_migration").render_as_string(hide_password=False)
    ensure_database(url, drop=True)
    app = create_auth_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(BEFORE)
        yield app.extensions["sqlalchemy"].engine
        app.extensions["sqlalchemy"].engine.dispose()
    ensure_database(url, drop=True)


def upgrade(revision: str = "head") -> None:
    """Alembic's own command on the app's migration config (the shared environment, the auth
    revisions); flask-migrate's command would turn the migration's error into an exit."""
    command.upgrade(current_app.extensions["migrate"].migrate.get_config(), revision)


def _insert(engine, *emails: str) -> None:
    with engine.begin() as conn:
        for email in emails:
            conn.execute(INSERT, {"email": email})


def _revision(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def test_existing_rows_get_their_normalized_key_and_look_alikes_are_refused(scratch):
    _insert(scratch, "ada@example.com", "ｂｏｂ@example.com", "straße@example.com")
    upgrade()
    with scratch.connect() as conn:
        keys = dict(conn.execute(text("SELECT email, email_key FROM users")).all())
    assert keys == {"ada@example.com": "ada@example.com", "ｂｏｂ@example.com": "bob@example.com",
                    "straße@example.com": "strasse@example.com"}
    with pytest.raises(IntegrityError):  # the old lower(email) index let this one in
        with scratch.begin() as conn:
            conn.execute(text("INSERT INTO users (email, email_key, password_hash, display_name, status, "
                              "roles, version) VALUES ('bob@example.com', 'bob@example.com', 'x', 'x', "
                              "'active', '{}', 1)"))


def test_rows_that_normalize_alike_stop_the_upgrade_and_name_their_ids(scratch):
    _insert(scratch, "ada@example.com", "ａｄａ@example.com", "eve@example.com")
    with pytest.raises(RuntimeError, match=r"ids \[1, 2\]"):
        upgrade()
    assert _revision(scratch) == BEFORE  # the whole upgrade rolled back: nothing half-done


def test_outbox_mail_rows_lose_their_links(scratch):
    upgrade("5d3c2a1f9b7e")
    old = {"template": "reset", "to": "ＡＤＡ@example.com", "message_id": "axa-mail-1",
           "context": {"display_name": "Ada", "link": "http://x/reset-password?token=live-secret"}}
    with scratch.begin() as conn:
        for published in ("now()", "NULL"):
            conn.execute(text(f"INSERT INTO outbox (topic, payload, published_at) VALUES "
                              f"('mail', CAST(:p AS json), {published})"), {"p": json.dumps(old)})
        conn.execute(text("INSERT INTO outbox (topic, payload, published_at) VALUES "
                          "('user', CAST(:p AS json), now())"), {"p": json.dumps({"id": 1, "version": 1})})
    upgrade()
    with scratch.connect() as conn:
        rows = conn.execute(text("SELECT id, topic, payload FROM outbox ORDER BY id")).all()
    assert [(r.id, r.topic) for r in rows] == [(2, "mail"), (3, "user")]  # the published mail row went
    assert rows[0].payload == {"template": "reset", "user_id": None, "email_key": "ada@example.com"}

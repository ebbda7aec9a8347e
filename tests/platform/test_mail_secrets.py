"""Live confirm and reset links exist only in the mail: the outbox row, every other table and
every task message (its arguments, and the ``argsrepr`` Flower shows and keeps in its state file)
hold no token; only the token's hash is stored.

The apps publish to the real broker (no eager mode) and every published message is captured with
Celery's ``before_task_publish`` signal, as it leaves for the broker; the mail tasks then run from
exactly those messages, as a worker would, and deliver to a real SMTP server (aiosmtpd).
"""
from __future__ import annotations

import pytest
from celery.signals import before_task_publish
from sqlalchemy import text

from axa.models.auth import db
from axa.platform.celery_app import celery
from axa.tasks.auth.mail import send_message
from tests.conftest import register, set_settings
from tests.platform.conftest import PUBLIC_URL

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def published():
    """(task name, body, headers) of every task message this process publishes."""
    seen = []

    def record(sender=None, body=None, headers=None, **_):
        seen.append((sender, body, headers))

    before_task_publish.connect(record, weak=False)
    yield seen
    before_task_publish.disconnect(record)


@pytest.fixture
def live_smtp_app(live_apps, smtp):
    assert not celery.conf.task_always_eager
    app = live_apps["auth"]
    set_settings(app, mail_url=smtp.url, public_url=PUBLIC_URL)
    return app


def _run_mail_tasks(app, published, already: int = 0) -> list[str]:
    """Run the mail messages published since ``already`` as a worker would: same arguments, same id."""
    with app.app_context():
        return [send_message.apply(args=body[0], kwargs=body[1], task_id=headers["id"]).get()
                for name, body, headers in published[already:] if name == "auth.mail.send_message"]


def _token(mail) -> str:
    body = mail.get_body(preferencelist=("plain",)).get_content()
    return body.split("token=", 1)[1].split()[0]


def _rows_holding(app, secret: str) -> list[str]:
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        return [name for name in tables
                if db.session.scalar(text(f'SELECT count(*) FROM "{name}" t WHERE t::text LIKE :s'),
                                     {"s": f"%{secret}%"})]


def test_no_row_and_no_task_message_holds_a_live_link(live_smtp_app, smtp, published):
    client = live_smtp_app.test_client()
    assert register(client).status_code == 201
    assert client.post("/api/v1/auth/password/forgot", json={"email": "ada@example.com"}).status_code == 202
    assert _run_mail_tasks(live_smtp_app, published) == ["sent", "sent"]
    confirm = smtp.with_subject("Confirm your AXA Platform email")[0]
    reset = smtp.with_subject("Reset your AXA Platform password")[0]
    tokens = [_token(confirm), _token(reset)]
    messages = repr(published)
    for token in tokens:
        assert token not in messages, "a task message carries a live token"
        assert _rows_holding(live_smtp_app, token) == []
    assert "token=" not in messages
    with live_smtp_app.app_context():  # a sent mail leaves no outbox row behind
        assert db.session.scalar(text("SELECT count(*) FROM outbox WHERE topic = 'mail'")) == 0
    assert client.post("/api/v1/auth/confirm", json={"token": tokens[0]}).status_code == 200
    assert client.post("/api/v1/auth/password/reset",
                       json={"token": tokens[1], "password": NEW_PASSWORD}).status_code == 204


def test_a_redelivered_mail_task_sends_once(live_smtp_app, smtp, published):
    client = live_smtp_app.test_client()
    assert register(client).status_code == 201
    assert _run_mail_tasks(live_smtp_app, published) == ["sent"]
    assert _run_mail_tasks(live_smtp_app, published) == ["duplicate"]  # the same message again
    assert len(smtp.messages) == 1
    token = _token(smtp.messages[0])
    assert client.post("/api/v1/auth/confirm", json={"token": token}).status_code == 200

"""Live confirm and reset links exist only in the mail: the outbox row, every other table and
every task message (its arguments, and the ``argsrepr`` Flower shows and keeps in its state file)
hold no token; only the token's hash is stored.

The web app publishes to the real broker and every message it publishes is captured with Celery's
``before_task_publish`` signal, as it leaves for the broker; the real worker sends the mails (to the
test outbox folder), minting the links itself.
"""
from __future__ import annotations

import pytest
from celery.signals import before_task_publish
from sqlalchemy import text

from axa.models.auth import db
from axa.tasks.auth.mail import send_message
from tests.conftest import mails, register, token_from
from tests.integration.conftest import wait_until

NEW_PASSWORD = "a brand new passphrase 42"
SUBJECTS = ("Confirm your AXA Platform email", "Reset your AXA Platform password")


@pytest.fixture
def published():
    """(task name, body, headers) of every task message this process publishes."""
    seen = []

    def record(sender=None, body=None, headers=None, **_):
        seen.append((sender, body, headers))

    before_task_publish.connect(record, weak=False)
    yield seen
    before_task_publish.disconnect(record)


def _rows_holding(app, secret: str) -> list[str]:
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        return [name for name in tables
                if db.session.scalar(text(f'SELECT count(*) FROM "{name}" t WHERE t::text LIKE :s'),
                                     {"s": f"%{secret}%"})]


def _mail_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(text("SELECT count(*) FROM outbox WHERE topic = 'mail'"))


def _both_mails():
    found = {m["Subject"]: m for m in mails("ada@example.com")}
    return all(s in found for s in SUBJECTS) and [found[s] for s in SUBJECTS]


def test_no_row_and_no_task_message_holds_a_live_link(platform, published):
    auth = platform["auth"]
    client = auth.test_client(use_cookies=False)
    assert register(client).status_code == 201
    assert client.post("/api/v1/auth/password/forgot", json={"email": "ada@example.com"}).status_code == 202
    confirm, reset = wait_until(_both_mails, 10.0, "both mails, sent by the worker")
    wait_until(lambda: _mail_rows(auth) == 0, 5.0, "no mail row left once the mails are sent")
    tokens = [token_from(confirm), token_from(reset)]
    messages = repr(published)
    assert [name for name, _, _ in published].count("auth.mail.send_message") == 2
    for token in tokens:
        assert token not in messages, "a task message carries a live token"
        assert _rows_holding(auth, token) == []
    assert "token=" not in messages
    assert client.post("/api/v1/auth/confirm", json={"token": tokens[0]}).status_code == 200
    assert client.post("/api/v1/auth/password/reset",
                       json={"token": tokens[1], "password": NEW_PASSWORD}).status_code == 204


def test_a_redelivered_mail_task_sends_once(platform, published):
    auth = platform["auth"]
    client = auth.test_client(use_cookies=False)
    assert register(client).status_code == 201
    [mail] = wait_until(lambda: mails("ada@example.com"), 10.0, "the confirmation mail")
    [(_, body, headers)] = [m for m in published if m[0] == "auth.mail.send_message"]
    with auth.app_context():  # the same message again, as a broker redelivers it
        assert send_message.apply(args=body[0], kwargs=body[1], task_id=headers["id"]).get() == "duplicate"
    assert len(mails("ada@example.com")) == 1
    assert client.post("/api/v1/auth/confirm", json={"token": token_from(mail)}).status_code == 200

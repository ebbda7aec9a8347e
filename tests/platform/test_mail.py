"""Mail against a real SMTP server (aiosmtpd on a loopback port), the sent-ledger, the outbox folder.

The flows (registration, reset) run their mail task eagerly inside the request, so a mail has
reached the server by the time the response is back.
"""
from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

import pytest

from axa.models.auth import OutboxEntry, SentMail, User, db
from axa.tasks.auth.mail import TransientMailError, message_id, send_message
from tests.conftest import PASSWORD, mails, register, set_settings
from tests.platform.conftest import PUBLIC_URL, CapturingHandler

SPOOFED_HOST = "evil.example"
NEW_PASSWORD = "a brand new passphrase 42"


def _parts(mail) -> tuple[str, str]:
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None and html is not None, "both a text and an HTML part are required"
    return text.get_content(), html.get_content()


def _link(body: str, path: str) -> str:
    found = re.findall(r"https?://[^\s\"<>]+", body)
    assert len(found) == 1, found
    assert found[0].startswith(f"{PUBLIC_URL}{path}?token="), found[0]
    return found[0]


def _assert_no_secret(handler: CapturingHandler, *secrets: str) -> None:
    """Checked on the raw bytes and on the decoded parts (a base64 body would hide it from the raw)."""
    for envelope, mail in zip(handler.envelopes, handler.messages, strict=True):
        decoded = "".join(_parts(mail))
        for secret in secrets:
            assert secret.encode() not in envelope.content and secret not in decoded


def _queued(app, count: int = 1, template: str = "confirm") -> list[int]:
    """Outbox mail rows for Bob, committed but not relayed: the task is called by hand."""
    with app.app_context():
        bob = User.by_email("bob@example.com") or User(
            email="bob@example.com", password_hash="x", display_name="Bob", status="active", roles=[],
            version=1)
        db.session.add(bob)
        db.session.flush()
        ids = [OutboxEntry.mail(template, user_id=bob.id).id for _ in range(count)]
        db.session.commit()
    return ids


def _ledger_rows(message_id: str) -> int:
    return db.session.query(SentMail).filter_by(message_id=message_id).count()


def test_registration_sends_one_confirm_mail_with_public_url_link(smtp_app, smtp):
    client = smtp_app.test_client()
    response = client.post("/api/v1/auth/register", headers={"Host": SPOOFED_HOST},
                           json={"email": "eve@example.com", "password": PASSWORD,
                                 "display_name": "<b>Eve</b>"})
    assert response.status_code == 201
    [mail] = smtp.messages
    assert mail["Subject"] == "Confirm your AXA Platform email" and mail["To"] == "eve@example.com"
    assert [e.rcpt_tos for e in smtp.envelopes] == [["eve@example.com"]]
    assert mail.get_content_type() == "multipart/alternative"
    assert mail["Date"].datetime is not None and mail["Message-ID"].endswith("@axa.local>")
    text, html = _parts(mail)
    assert _link(text, "/confirm") in html
    assert SPOOFED_HOST not in text + html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html and "<b>Eve</b>" not in html
    _assert_no_secret(smtp, PASSWORD)
    assert mails() == [], "with an smtp:// URL nothing goes to the outbox folder"


def test_confirm_link_from_the_mail_confirms(smtp_app, smtp):
    client = smtp_app.test_client()
    assert register(client).status_code == 201
    [mail] = smtp.messages
    token = _link(_parts(mail)[0], "/confirm").split("token=", 1)[1]
    response = client.post("/api/v1/auth/confirm", json={"token": token})
    assert response.status_code == 200 and response.get_json()["email_confirmed"] is True


def test_redelivered_message_is_sent_once(smtp_app, smtp):
    [outbox_id] = _queued(smtp_app)
    with smtp_app.app_context():
        first = send_message.apply(args=(outbox_id,), task_id="same-delivery").get()
        second = send_message.apply(args=(outbox_id,), task_id="same-delivery").get()
        assert (first, second) == ("sent", "duplicate")
        assert _ledger_rows(message_id(outbox_id)) == 1
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["X-AXA-Message-Id"] == message_id(outbox_id)


def test_redelivery_after_smtp_failure_sends_a_working_link(smtp_app, smtp):
    [outbox_id] = _queued(smtp_app)
    smtp.fail_next = 1
    with smtp_app.app_context():
        with pytest.raises(TransientMailError, match="451"):
            send_message(outbox_id)
        db.session.rollback()
        assert _ledger_rows(message_id(outbox_id)) == 0, "a failed send must leave no ledger row"
        assert smtp.messages == []
        assert send_message(outbox_id) == "sent"
        assert _ledger_rows(message_id(outbox_id)) == 1
    [mail] = smtp.messages
    token = _link(_parts(mail)[0], "/confirm").split("token=", 1)[1]
    assert smtp_app.test_client().post("/api/v1/auth/confirm", json={"token": token}).status_code == 200


def test_permanent_smtp_refusal_is_not_retried(smtp_app, smtp):
    [outbox_id] = _queued(smtp_app)
    smtp.reject_permanently = True
    with smtp_app.app_context():
        assert send_message(outbox_id) == "refused"  # no exception, so no autoretry
        assert _ledger_rows(message_id(outbox_id)) == 0
    assert smtp.messages == []


def test_file_outbox_writes_one_eml_per_message(auth_app, tmp_path):
    outbox = tmp_path / "outbox"
    set_settings(auth_app, mail_url=f"file://{outbox}")
    ids = _queued(auth_app, count=2, template="password_changed")
    with auth_app.app_context():
        results = [send_message(ids[0]), send_message(ids[1]), send_message(ids[0])]
    assert results == ["sent", "sent", "duplicate"]
    files = sorted(outbox.iterdir())
    assert [f.name for f in files] == sorted(f"{message_id(i)}.eml" for i in ids)
    for path in files:
        mail = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert mail["To"] == "bob@example.com" and f"{mail['X-AXA-Message-Id']}.eml" == path.name
        _parts(mail)


def test_reset_flow_sends_one_reset_and_one_password_changed_mail(smtp_app, smtp):
    client = smtp_app.test_client()
    assert register(client).status_code == 201
    response = client.post("/api/v1/auth/password/forgot", headers={"Host": SPOOFED_HOST},
                           json={"email": "ada@example.com"})
    assert response.status_code == 202
    assert client.post("/api/v1/auth/password/forgot",
                       json={"email": "nobody@example.com"}).status_code == 202
    [reset] = smtp.with_subject("Reset your AXA Platform password")
    assert reset["To"] == "ada@example.com"
    text, html = _parts(reset)
    link = _link(text, "/reset-password")
    assert link in html and SPOOFED_HOST not in text + html
    response = client.post("/api/v1/auth/password/reset",
                           json={"token": link.split("token=", 1)[1], "password": NEW_PASSWORD})
    assert response.status_code == 204
    [changed] = smtp.with_subject("Your AXA Platform password was changed")
    assert changed["To"] == "ada@example.com"
    _parts(changed)
    assert len(smtp.messages) == 3, [m["Subject"] for m in smtp.messages]
    assert all(e.rcpt_tos == ["ada@example.com"] for e in smtp.envelopes)
    _assert_no_secret(smtp, PASSWORD, NEW_PASSWORD)

"""Notifications through a real worker on the real broker: every type made from the outbox, the
instant mails written by the mail queue's task, an outbox published twice (a redelivery) making
nothing twice, and an undo taking its notification away."""
from __future__ import annotations

import time

from sqlalchemy import func, select, text, update

from axa.models.socweb import Notification, OutboxEntry, db
from axa.tasks.socweb.feeds import relay_outbox
from tests.conftest import mails
from tests.integration.conftest import wait_until
from tests.integration.test_socweb_fanout import _member

TIMEOUT = 10.0


def inbox(client, headers) -> list[tuple[str, str]]:
    return sorted((n["type"], n["actor"]["username"]) for n in
                  client.get("/api/v1/notifications", headers=headers).get_json())


def rows(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Notification))
        db.session.remove()
    return count


def social_mails() -> list:
    return [m for m in mails() if m["X-AXA-Message-Id"].startswith("axa-socweb-notification-")]


def test_every_type_through_the_worker_once_with_its_mail_and_undo(platform):
    client = platform["socweb"].test_client(use_cookies=False)
    ada, bob = _member(platform, "ada"), _member(platform, "bob")
    assert client.post("/api/v1/subscriptions/ada", headers=bob).status_code == 200
    post = client.post("/api/v1/posts", json={"body": "Hello @bob", "title": "T"}, headers=ada).get_json()
    first = client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "mine"}, headers=ada).get_json()
    client.post(f"/api/v1/posts/{post['id']}/comments", headers=bob,
                json={"body": "@ada sure", "in_reply_to_id": first["id"]})
    client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "and @ada again"}, headers=bob)
    client.post(f"/api/v1/likes/{post['id']}", headers=bob)
    want_ada = [("comment", "bob"), ("like", "bob"), ("reply", "bob"), ("subscription", "bob")]
    wait_until(lambda: inbox(client, ada) == want_ada, TIMEOUT, "ada's notifications")
    assert inbox(client, bob) == [("mention", "ada")]
    # instant by default: the mention (bob), the reply and the comment (ada); likes and subscriptions wait
    wait_until(lambda: len(social_mails()) == 3, TIMEOUT, "three instant mails")

    with platform["socweb"].app_context():  # every outbox row published again, as a redelivery would
        db.session.execute(update(OutboxEntry).values(published_at=None,
                                                      created_at=func.now() - text("interval '1 minute'")))
        db.session.commit()
        assert relay_outbox() >= 8
        db.session.remove()
    assert not unpublished(platform["socweb"])
    time.sleep(3)  # the redelivered tasks run (each a no-op) meanwhile
    assert rows(platform["socweb"]) == 5 and len(social_mails()) == 3

    assert client.delete(f"/api/v1/likes/{post['id']}", headers=bob).status_code == 200
    assert ("like", "bob") not in inbox(client, ada)
    assert client.delete("/api/v1/subscriptions/ada", headers=bob).status_code == 200
    assert inbox(client, ada) == [("comment", "bob"), ("reply", "bob")]


def unpublished(app) -> list[str]:
    with app.app_context():
        topics = list(db.session.scalars(select(OutboxEntry.topic).where(OutboxEntry.published_at.is_(None))))
        db.session.remove()
    return topics

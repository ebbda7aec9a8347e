"""Go-live notifications through a real worker on the real broker (issue 11 item 7): a new live
session notifies each subscriber once (and mails the one who asked), a reconnect inside the window
sends nothing new, and a worker SIGKILLed mid fan-out then replaced leaves every subscriber
notified exactly once, with every mail sent once."""
from __future__ import annotations

import time

from sqlalchemy import func, insert, select

from axa.models.stream import Channel, Inbox, LiveSession, Notification, SentMail, Subscription, User, db
from axa.models.stream import live as state
from axa.tasks.stream import live, notify
from tests.conftest import MAIL_DIR, bearer, login, register
from tests.integration.conftest import consumer_counts, rabbitmq_redelivery, replica_versions, wait_until

KILL_SUBSCRIBERS = 300  # one per fan-out task: long enough a chain to kill the worker mid-way


def member(platform, email: str) -> tuple[int, dict]:
    """Sign up on auth and wait for user sync to bring the user to stream."""
    auth = platform["auth"].test_client(use_cookies=False)
    user_id = register(auth, email=email).get_json()["id"]
    headers = bearer(login(auth, email=email).get_json()["session_id"])
    wait_until(lambda: user_id in replica_versions(platform, "stream"), 15.0, f"{email} synced to stream")
    return user_id, headers


def count(app, query) -> int:
    with app.app_context():
        return db.session.scalar(query)


def golive_mail_files() -> list[str]:
    return sorted(p.name for p in MAIL_DIR.glob("axa-golive-*.eml"))


def test_a_subscriber_is_notified_once_per_live_session_through_the_worker(platform):
    app = platform["stream"]
    client = app.test_client(use_cookies=False)
    _, ada = member(platform, "ada@example.com")
    (bob_id, bob), (_, cy) = member(platform, "bob@example.com"), member(platform, "cy@example.com")
    channel = client.post("/api/v1/channels", headers=ada, json={"slug": "ada-live", "title": "Ada"}).get_json()
    for headers in (bob, cy):
        assert client.post("/api/v1/channels/ada-live/subscription", headers=headers).status_code == 200
    client.patch("/api/v1/notifications/preferences", headers=bob, json={"go_live_mail": True})
    started = time.time()
    live.mark_published.delay(channel["id"], started)
    for headers in (bob, cy):
        wait_until(lambda h=headers: client.get("/api/v1/notifications/unread", headers=h).get_json()["unread"],
                   15.0, "the go-live notification")
    wait_until(golive_mail_files, 15.0, "bob's go-live mail")
    live.mark_unpublished.delay(channel["id"], started + 1, 2.0)  # the encoder drops ...
    # (applied before the return is sent: two pool processes may run two queued events in either
    # order, and a publish applied first supersedes the earlier drop, as a heartbeat's would)
    wait_until(lambda: count(app, select(LiveSession.disconnected_at)), 15.0, "the drop")
    live.mark_published.delay(channel["id"], started + 1.5)  # ... and comes back inside the window
    wait_until(lambda: count(app, select(LiveSession.reconnects)) == 1, 15.0, "the reconnect")
    time.sleep(2.5)  # the offline check of the drop has run: still live
    assert count(app, select(func.count()).select_from(LiveSession).where(LiveSession.ended_at.is_(None))) == 1
    for headers in (bob, cy):
        assert [n["kind"] for n in client.get("/api/v1/notifications", headers=headers).get_json()] == ["go_live"]
    assert len(golive_mail_files()) == 1 and f"-{bob_id}.eml" in golive_mail_files()[0]


def seed(app, subscribers: int) -> int:
    """A live channel (without its announce) and many subscribers, every tenth wanting mail: the
    live session's id."""
    with app.app_context():
        channel = Channel(user_id=10**6, slug="big-live", title="Big")
        db.session.add(channel)
        db.session.flush()
        users = range(1, subscribers + 1)
        db.session.execute(insert(Subscription), [{"user_id": u, "channel_id": channel.id} for u in users])
        mailed = [u for u in users if u % 10 == 0]
        db.session.execute(insert(User), [{"id": u, "email": f"fan{u}@example.com", "display_name": f"Fan {u}",
                                           "status": "active", "version": 1} for u in mailed])
        db.session.execute(insert(Inbox), [{"user_id": u, "go_live_mail": True} for u in mailed])
        session, _ = state.published(channel.id, state.at(time.time()), 30.0)
        db.session.commit()
        return session.id


@rabbitmq_redelivery
def test_worker_killed_mid_fan_out_then_replaced_notifies_everyone_exactly_once(platform, worker):
    app = platform["stream"]
    session_id = seed(app, KILL_SUBSCRIBERS)
    notifications = select(func.count()).select_from(Notification)
    notify.fan_out_go_live.delay(session_id, 0, 1)  # batches of one subscriber
    wait_until(lambda: count(app, notifications), 10.0, "fan-out started", interval=0.005)
    worker.kill()
    written = count(app, notifications)
    assert 0 < written < KILL_SUBSCRIBERS, written  # killed mid-way
    wait_until(lambda: sum(consumer_counts().values()) == 0, 5.0, "the broker saw the worker die")
    worker.start()
    wait_until(lambda: count(app, notifications) == KILL_SUBSCRIBERS, 60.0, "the fan-out finished")
    wait_until(lambda: count(app, select(func.count()).select_from(SentMail)) == KILL_SUBSCRIBERS // 10, 30.0,
               "every mail sent")
    distinct = select(func.count(func.distinct(Notification.user_id)))
    assert count(app, distinct) == count(app, notifications) == KILL_SUBSCRIBERS
    assert len(golive_mail_files()) == KILL_SUBSCRIBERS // 10

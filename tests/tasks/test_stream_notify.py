"""Go-live notifications (``stream.notify``, issue 11 item 7), driven through the live-state tasks
with explicit event times: a new live session notifies each subscriber once, in app and by mail
when the preference is on; a reconnect inside the window, a repeated fan-out or a redelivered mail
task adds nothing; the owner hears nothing of their own stream."""
from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from axa.models.stream import GoLiveFanout, LiveSession, Notification, SentMail, db
from axa.tasks.stream import live, notify
from tests.blueprints.stream.helpers import new_channel, signed_in
from tests.conftest import mails

T0 = 2_000_000_000.0
WINDOW = 30.0
SUBJECT = "A channel you follow is live on AXA Platform"
FANS = ("bob@example.com", "cy@example.com", "dee@example.com")


@pytest.fixture
def stream(clients, monkeypatch):
    """Ada's channel with three subscribers (and Ada herself), a 30 s window, offline checks
    captured instead of run."""
    client = clients["stream"]
    owner = signed_in(clients, "ada@example.com")
    channel = new_channel(client, owner, slug="ada-live")
    fans = {email: signed_in(clients, email) for email in FANS}
    for headers in (owner, *fans.values()):
        assert client.post("/api/v1/channels/ada-live/subscription", headers=headers).status_code == 200
    app = client.application
    app.config["AXA_STREAM"] = dataclasses.replace(app.config["AXA_STREAM"], reconnect_window=WINDOW)
    monkeypatch.setattr(live.check_offline, "apply_async", lambda args, countdown: None)
    return {"client": client, "channel": channel["id"], "owner": owner, "fans": fans}


def run(stream, task, *args):
    """A task (or query) in an app context of its own: requests must not share one (``g``)."""
    with stream["client"].application.app_context():
        return task(*args)


def notified(stream) -> list[tuple[int, int]]:
    """(user id, live session id) of every notification."""
    return run(stream, lambda: sorted(db.session.execute(
        select(Notification.user_id, Notification.live_session_id)).all()))


def session_ids(stream) -> list[int]:
    return run(stream, lambda: list(db.session.scalars(select(LiveSession.id).order_by(LiveSession.id))))


def go_live_mails(to: str | None = None) -> list:
    return [m for m in mails(to) if m["Subject"] == SUBJECT]


def user_ids(stream) -> dict[str, int]:
    me = {email: stream["client"].get("/api/v1/me", headers=h).get_json()["id"]
          for email, h in stream["fans"].items()}
    me["ada"] = stream["client"].get("/api/v1/me", headers=stream["owner"]).get_json()["id"]
    return me


def test_a_new_live_session_notifies_each_subscriber_once_but_not_the_owner(stream):
    ids = user_ids(stream)
    assert run(stream, live.mark_published, stream["channel"], T0) is True
    [session_id] = session_ids(stream)
    assert notified(stream) == sorted((ids[email], session_id) for email in FANS)
    assert ids["ada"] not in {user for user, _ in notified(stream)}
    assert run(stream, lambda: db.session.get(GoLiveFanout, session_id).finished_at) is not None
    run(stream, live.mark_published, stream["channel"], T0 + 15)  # the on_update heartbeat: the same session
    assert len(notified(stream)) == 3


def test_a_reconnect_inside_the_window_sends_nothing_new_and_a_new_session_does(stream):
    channel = stream["channel"]
    run(stream, live.mark_published, channel, T0)
    run(stream, live.mark_unpublished, channel, T0 + 5)
    assert run(stream, live.mark_published, channel, T0 + 20) is False  # back within 30 s
    assert len(notified(stream)) == 3
    run(stream, live.mark_unpublished, channel, T0 + 30)
    assert run(stream, live.mark_published, channel, T0 + 30 + WINDOW + 1) is True  # away longer: a new session
    assert len(notified(stream)) == 6 and len({s for _, s in notified(stream)}) == 2


def test_running_the_fan_out_twice_or_in_small_batches_gives_no_duplicates(stream):
    run(stream, live.mark_published, stream["channel"], T0)
    [session_id] = session_ids(stream)
    before = notified(stream)
    assert run(stream, notify.fan_out_go_live, session_id) is None  # one batch: the last
    assert run(stream, notify.fan_out_go_live, session_id, 0, 2) is not None  # batches of 2, the chain follows
    assert run(stream, notify.fan_out_go_live, session_id, 0, 1) is not None
    assert notified(stream) == before and len(before) == 3
    assert run(stream, notify.fan_out_go_live, 10**9) is None  # a session gone: nothing


def test_a_fan_out_lost_before_it_was_noted_is_queued_by_the_next_publish(stream, monkeypatch):
    queued = []
    monkeypatch.setattr(notify.fan_out_go_live, "apply_async", lambda args: queued.append(args))
    monkeypatch.setattr(notify.GoLiveFanout, "note_queued", classmethod(lambda cls, _id: None))
    run(stream, live.mark_published, stream["channel"], T0)  # the "kill -9" between the publish and the note
    monkeypatch.undo()
    assert notified(stream) == []
    run(stream, live.mark_published, stream["channel"], T0)  # the redelivered event (or the next heartbeat)
    assert len(notified(stream)) == 3 and len(queued) == 1
    run(stream, live.mark_published, stream["channel"], T0 + 15)
    assert len(notified(stream)) == 3


def test_mail_goes_only_to_subscribers_with_the_preference_on_and_only_once(stream):
    client, fans = stream["client"], stream["fans"]
    for email in ("bob@example.com", "cy@example.com"):
        changed = client.patch("/api/v1/notifications/preferences", headers=fans[email],
                               json={"go_live_mail": True})
        assert changed.status_code == 200 and changed.get_json() == {"go_live_mail": True}
    client.patch("/api/v1/notifications/preferences", headers=fans["cy@example.com"],
                 json={"go_live_mail": False})
    client.patch("/api/v1/notifications/preferences", headers=stream["owner"], json={"go_live_mail": True})
    run(stream, live.mark_published, stream["channel"], T0)
    [mail] = go_live_mails()
    assert mail["To"] == "bob@example.com"
    assert "http://localhost:8000/channels/ada-live" in mail.get_body(("plain",)).get_content()
    [session_id] = session_ids(stream)
    bob = user_ids(stream)["bob@example.com"]
    assert run(stream, notify.send_go_live_mail, session_id, [bob]) == 0  # redelivered: the ledger has it
    assert run(stream, notify.fan_out_go_live, session_id) is None
    assert len(go_live_mails()) == 1
    assert run(stream, lambda: db.session.scalar(select(func.count()).select_from(SentMail))) == 1


def test_preferences_default_off_and_are_per_user(stream):
    client, bob = stream["client"], stream["fans"]["bob@example.com"]
    assert client.get("/api/v1/notifications/preferences", headers=bob).get_json() == {"go_live_mail": False}
    assert client.patch("/api/v1/notifications/preferences", headers=bob, json={}).status_code == 422
    assert client.get("/api/v1/notifications/preferences").status_code == 401
    run(stream, live.mark_published, stream["channel"], T0)
    assert go_live_mails() == []


def test_the_in_app_list_unread_count_and_read_marker(stream):
    client, bob = stream["client"], stream["fans"]["bob@example.com"]
    channel = stream["channel"]
    run(stream, live.mark_published, channel, T0)
    run(stream, live.mark_unpublished, channel, T0 + 1)
    run(stream, live.mark_published, channel, T0 + 2 + WINDOW)  # a second session
    listed = client.get("/api/v1/notifications", headers=bob).get_json()
    assert [n["kind"] for n in listed] == ["go_live", "go_live"] and listed[0]["id"] > listed[1]["id"]
    assert listed[0]["channel"]["slug"] == "ada-live" and not any(n["read"] for n in listed)
    assert client.get("/api/v1/notifications/unread", headers=bob).get_json() == {"unread": 2, "read_up_to": 0}
    older = listed[1]["id"]
    marked = client.post("/api/v1/notifications/read", headers=bob, json={"up_to": older}).get_json()
    assert marked == {"unread": 1, "read_up_to": older}
    assert client.post("/api/v1/notifications/read", headers=bob, json={"up_to": 1}).get_json()["unread"] == 1
    assert [n["read"] for n in client.get("/api/v1/notifications", headers=bob).get_json()] == [False, True]
    assert client.post("/api/v1/notifications/read", headers=bob, json={}).get_json()["unread"] == 0
    page = client.get("/api/v1/notifications?limit=1", headers=bob)
    assert len(page.get_json()) == 1 and 'rel="next"' in page.headers["Link"]
    owner = client.get("/api/v1/notifications/unread", headers=stream["owner"]).get_json()
    assert owner == {"unread": 0, "read_up_to": 0}
    assert client.get("/api/v1/notifications").status_code == 401


def test_a_fan_out_whose_chain_broke_is_resumed_by_the_sweep_from_its_last_batch(stream, monkeypatch):
    dropped = []
    monkeypatch.setattr(notify.fan_out_go_live, "apply_async", lambda args: dropped.append(args))
    run(stream, live.mark_published, stream["channel"], T0)  # announced, its first batch lost
    [session_id] = session_ids(stream)
    assert run(stream, notify.fan_out_go_live.run, session_id, 0, 2) == 2  # owner and bob; the next lost
    assert len(notified(stream)) == 1 and dropped[-1] == (session_id, 2, 2)
    assert run(stream, notify.sweep_fanouts) == 0  # it moved just now
    run(stream, lambda: (db.session.execute(update(GoLiveFanout).values(moved_at=func.now() - timedelta(hours=1))),
                         db.session.commit()))
    monkeypatch.undo()
    assert run(stream, notify.sweep_fanouts) == 1
    assert len(notified(stream)) == 3
    assert run(stream, lambda: db.session.get(GoLiveFanout, session_id).resume_after) == 2  # never back
    assert run(stream, lambda: db.session.get(GoLiveFanout, session_id).finished_at) is not None
    assert run(stream, notify.sweep_fanouts) == 0


def test_one_mail_delivered_twice_at_once_is_sent_once(stream, monkeypatch):
    """A duplicated batch: two deliveries of one go-live mail run together; the message's lock
    holds the second until the first's ledger row commits, and the second then skips it."""
    bob_headers = stream["fans"]["bob@example.com"]
    stream["client"].patch("/api/v1/notifications/preferences", headers=bob_headers, json={"go_live_mail": True})
    monkeypatch.setattr(notify.send_go_live_mail, "apply_async", lambda args: None)  # no mail from the fan-out
    run(stream, live.mark_published, stream["channel"], T0)
    [session_id], bob = session_ids(stream), user_ids(stream)["bob@example.com"]
    sent, start = [], threading.Barrier(2)

    def slow_deliver(msg):
        sent.append(msg["To"])
        time.sleep(0.3)  # inside the window a lock-free check would let the other in

    monkeypatch.setattr(notify, "deliver", slow_deliver)

    def deliver_once(results):
        start.wait()
        results.append(run(stream, notify.send_go_live_mail.run, session_id, [bob]))

    results: list[int] = []
    threads = [threading.Thread(target=deliver_once, args=(results,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sent == ["bob@example.com"] and sorted(results) == [0, 1]
    assert run(stream, lambda: db.session.scalar(select(func.count()).select_from(SentMail))) == 1

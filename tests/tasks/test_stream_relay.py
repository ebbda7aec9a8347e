"""The relay of the live inbox (axa/tasks/stream/relay.py): each event reaches its ``stream.live``
task (eager here: the channel goes live and offline), an event whose hand-over failed is handed
over on the next pass and not lost, and the worker's relay thread empties the inbox as events come."""
from __future__ import annotations

import time

import pytest
from kombu.exceptions import OperationalError as BrokerUnavailable
from sqlalchemy import select

from axa.models.stream import LiveSession, db
from axa.models.stream import live_inbox as inbox
from axa.platform.celery_app import consumed_queues
from axa.platform.redis_client import get_redis
from axa.tasks.stream import live, relay
from tests.blueprints.stream.helpers import new_channel, signed_in


@pytest.fixture
def channel(clients):
    headers = signed_in(clients, "ada@example.com")
    created = new_channel(clients["stream"], headers)
    with clients["stream"].application.app_context():
        yield created["id"]


def sessions(channel_id: int) -> list[LiveSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(LiveSession).where(LiveSession.channel_id == channel_id)))


def test_published_and_unpublished_events_reach_the_live_state_machine(channel):
    client, now = get_redis(), time.time() - 10
    inbox.record(client, "published", channel, now)
    assert relay.relay_once(client, "relay-a") == 1
    assert [s.ended_at for s in sessions(channel)] == [None]
    inbox.record(client, "unpublished", channel, now + 1, 0.0)  # no window: offline at its check
    assert relay.relay_once(client, "relay-a") == 1
    assert sessions(channel)[0].ended_at is not None
    assert client.xlen(inbox.INBOX) == 0


def test_an_event_the_broker_did_not_take_is_handed_over_on_the_next_pass(channel, monkeypatch):
    client, now = get_redis(), time.time()
    inbox.record(client, "published", channel, now)
    inbox.record(client, "unpublished", channel, now + 1, 600.0)
    publish = live.mark_unpublished.apply_async

    def broker_down(*args, **kwargs):
        raise BrokerUnavailable("connection refused")

    monkeypatch.setattr(live.mark_unpublished, "apply_async", broker_down)
    with pytest.raises(BrokerUnavailable):
        relay.relay_once(client, "relay-a")
    assert len(sessions(channel)) == 1 and client.xlen(inbox.INBOX) == 1  # the first was acknowledged
    monkeypatch.setattr(live.mark_unpublished, "apply_async", publish)
    assert relay.relay_once(client, "relay-a") == 1
    assert sessions(channel)[0].disconnected_at is not None and client.xlen(inbox.INBOX) == 0


def test_a_malformed_entry_is_dropped_not_retried(channel):
    client = get_redis()
    inbox.ensure_group(client)
    client.xadd(inbox.INBOX, {"event": "published", "channel": "not a number", "at": "1"})
    assert relay.relay_once(client, "relay-a") == 1
    assert relay.relay_once(client, "relay-a") == 0 and client.xlen(inbox.INBOX) == 0


def test_the_workers_relay_thread_hands_events_over_as_they_come(channel, clients, monkeypatch):
    handed = []
    monkeypatch.setattr(relay, "hand_over", handed.append)
    monkeypatch.setattr(relay, "BLOCK_MS", 200)
    thread = relay.Relay(clients["stream"].application.config["AXA"].redis_url, "relay-thread")
    thread.start()
    try:
        for at in (1.0, 2.0):
            inbox.record(get_redis(), "published", channel, at)
        deadline = time.monotonic() + 10
        while len(handed) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        thread.stop()
    assert [(e.kind, e.channel_id, e.at) for e in handed] == [("published", channel, 1.0), ("published", channel, 2.0)]
    assert not thread.is_alive() and get_redis().xlen(inbox.INBOX) == 0


class _Worker:
    hostname = "relay-test@localhost"


@pytest.mark.parametrize(("consumed", "started"), [(consumed_queues(), True),  # no -Q: every queue
                                                   ({"stream.live", "stream.notify"}, True), ({"mail"}, False)])
def test_only_a_worker_consuming_stream_live_runs_the_relay(channel, clients, monkeypatch, consumed, started):
    monkeypatch.setattr(relay, "consumed_queues", lambda: consumed)
    monkeypatch.setattr(relay, "BLOCK_MS", 100)
    monkeypatch.setattr(relay, "load_settings", lambda: clients["stream"].application.config["AXA"])
    relay.start_relay(sender=_Worker())
    try:
        assert (relay._relay is not None and relay._relay.is_alive()) is started
    finally:
        relay.stop_relay()
    assert relay._relay is None

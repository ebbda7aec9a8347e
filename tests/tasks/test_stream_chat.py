"""``stream.chat``: buffered chat messages written in batches. A batch writes with one INSERT and
acknowledges after the commit; a worker that died holding entries leaves them pending, and the
next batch claims them back once stale: every message written once, none lost. The socket's
kick queues at most one batch per flush delay."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from axa.models.stream import ChatMessage, db
from axa.models.stream import chat_buffer as buffer
from axa.models.stream import chat_state as state
from axa.platform.redis_client import get_redis
from axa.tasks.stream import chat as task
from tests.blueprints.stream.helpers import new_channel, signed_in


@pytest.fixture
def channel(clients):
    channel_id = new_channel(clients["stream"], signed_in(clients, "ada@example.com"))["id"]
    app = clients["stream"].application
    with app.app_context():
        yield channel_id, app


def post(channel_id: int, n: int) -> list[int]:
    ids = []
    for i in range(n):
        now = state.now_ms()
        event = {"type": "message", "id": state.message_id(now, i), "channel_id": channel_id, "user_id": 1,
                 "author": "Ada", "text": f"m{i}", "sent_at": "", "sent_at_ms": now}
        state.post(get_redis(), channel_id, event)
        ids.append(event["id"])
    return ids


def stored() -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(ChatMessage.id).order_by(ChatMessage.id)))


def test_a_batch_writes_everything_buffered_and_empties_the_buffer(channel):
    channel_id, _ = channel
    ids = post(channel_id, 7)
    assert task.persist_messages.apply().get() == 7
    assert stored() == sorted(ids) and buffer.waiting(get_redis()) == 0
    assert task.persist_messages.apply().get() == 0


def test_a_full_batch_queues_the_next_one(channel, monkeypatch):
    channel_id, app = channel
    monkeypatch.setitem(app.config, "AXA_STREAM_CHAT",
                        app.config["AXA_STREAM_CHAT"].__class__(batch_size=3))
    post(channel_id, 7)
    assert task.persist_messages.apply().get() == 3  # eager: the next batches ran inside
    assert len(stored()) == 7


def test_entries_of_a_worker_that_died_are_claimed_back_and_written_once(channel, monkeypatch):
    channel_id, _ = channel
    ids = post(channel_id, 5)
    client = get_redis()
    taken = buffer.take(client, 3)  # a worker took three entries, then was killed before its commit
    assert len(taken) == 3
    assert task.persist_messages.apply().get() == 2  # the others; the dead worker's are not stale yet
    assert len(stored()) == 2
    monkeypatch.setattr(buffer, "STALE_MS", 0)
    assert task.persist_messages.apply().get() == 3
    ChatMessage.insert_batch([event for _, event in taken])  # the dead worker's batch replayed: no double
    db.session.commit()
    assert stored() == sorted(ids) and buffer.waiting(client) == 0
    assert db.session.scalar(select(func.count()).select_from(ChatMessage)) == 5


def test_the_kick_queues_one_batch_per_flush_delay(channel, monkeypatch):
    queued = []
    monkeypatch.setattr(task.persist_messages, "apply_async", lambda countdown: queued.append(countdown))
    for _ in range(5):
        task.schedule_flush(get_redis(), 1.0)
    assert queued == [1.0]
    get_redis().delete(task.FLUSH_KEY)
    task.schedule_flush(get_redis(), 1.0)
    assert queued == [1.0, 1.0]


def test_the_task_routes_to_its_queue():
    from celeryconfig import task_routes
    assert task_routes["stream.chat.persist_messages"]["queue"] == "stream.chat"

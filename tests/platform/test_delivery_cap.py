"""A message redelivered past the cap (a task that kills its worker each time) is dropped as
poison and recorded, instead of killing workers forever (security.md §2)."""
from __future__ import annotations

import os
import uuid

from axa.platform.celery_app import MAX_DELIVERIES, celery
from axa.platform.redis_client import client_for


def _deliver(task, message_id: str, retries: int = 0):
    task.push_request(id=message_id, retries=retries, is_eager=False)
    try:
        return task()
    finally:
        task.pop_request()


def test_the_delivery_past_the_cap_is_dropped_and_dead_lettered(live_apps, monkeypatch):
    task = celery.tasks["auth.sessions.prune_sessions"]
    runs = []
    monkeypatch.setattr(task, "run", lambda: runs.append(1) or "ran")
    redis = client_for(os.environ["AXA_REDIS_URL"])
    message_id = str(uuid.uuid4())
    answers = [_deliver(task, message_id) for _ in range(MAX_DELIVERIES + 2)]
    assert answers == ["ran"] * MAX_DELIVERIES + [None, None] and len(runs) == MAX_DELIVERIES
    assert redis.lrange("axa:dead-letters", 0, -1).count(f"auth.sessions.prune_sessions {message_id}") == 2
    assert 0 < redis.ttl(f"axa:deliveries:{message_id}:0") <= 86400
    # a retry is a new message of its own: it gets its own count
    assert _deliver(task, message_id, retries=1) == "ran"

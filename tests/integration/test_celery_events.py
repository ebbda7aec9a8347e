"""Flower's feed: a monitor bound to Celery's event exchange hears a task's whole life, the
``task-sent`` event from the process that published it and the worker's ``task-received``,
``task-started`` and ``task-succeeded`` (the worker sends its task events in batches,
``task.multi``). Events go out through Celery's own settings (``worker_send_task_events``,
``task_send_sent_event``) on the broker's ordinary connections."""
from __future__ import annotations

import contextlib
import time
import uuid

from celery.events.event import get_exchange
from kombu import Consumer, Queue

from axa.platform.celery_app import celery

LIFE = ["task-sent", "task-received", "task-started", "task-succeeded"]


def test_a_monitor_hears_a_tasks_events_from_its_publisher_and_the_worker(platform):
    heard: list[dict] = []

    def collect(body, message) -> None:
        heard.extend(body if isinstance(body, list) else [body])

    with celery.connection_for_write() as conn:
        monitor = Queue(f"axa-test-monitor-{uuid.uuid4().hex[:8]}",
                        get_exchange(conn, name=celery.conf.event_exchange), routing_key="task.#",
                        durable=False, auto_delete=True)
        with Consumer(conn.channel(), [monitor], callbacks=[collect], accept=["json"], no_ack=True):
            # a Redis broker (the embedded default) subscribes to the fanout on the first poll,
            # and pub/sub keeps nothing for a subscriber that comes later: listen, then send
            with contextlib.suppress(TimeoutError):
                conn.drain_events(timeout=0.3)
            result = celery.send_task("socweb.sync.upsert_users", args=[[]])  # the session worker runs it
            deadline = time.monotonic() + 20.0
            while time.monotonic() < deadline and "task-succeeded" not in _life(heard, result.id):
                with contextlib.suppress(TimeoutError):
                    conn.drain_events(timeout=0.2)
    assert _life(heard, result.id) == LIFE
    sent = next(e for e in heard if e.get("uuid") == result.id and e["type"] == "task-sent")
    assert (sent["name"], sent["queue"]) == ("socweb.sync.upsert_users", "socweb.sync")


def _life(events: list[dict], task_id: str) -> list[str]:
    return sorted((e["type"] for e in events if e.get("uuid") == task_id), key=LIFE.index)

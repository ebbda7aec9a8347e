"""Flower's feed: Celery's events still reach a monitor, on a channel that waits for no publisher
confirm, while the task message beside them keeps its confirm (axa/platform/celery_events.py)."""
from __future__ import annotations

import contextlib
import uuid

from kombu import Consumer, Exchange, Queue

from axa.platform.celery_app import celery
from axa.platform.celery_events import unconfirmed
from tests.integration.conftest import rabbitmq_confirms


@rabbitmq_confirms
def test_task_sent_events_reach_a_monitor_unconfirmed_and_the_task_stays_confirmed():
    name = f"axa-test-events-{uuid.uuid4().hex[:8]}"
    tasks = Queue(name, Exchange(name, type="direct"), routing_key=name, durable=False, auto_delete=False)
    monitor = Queue(f"{name}-monitor", Exchange(celery.conf.event_exchange, type="topic"),
                    routing_key="task.#", durable=False, auto_delete=True, exclusive=True)
    heard = []
    with celery.connection_for_write() as conn:
        tasks(conn.default_channel).declare()
        try:
            with Consumer(conn.channel(), [monitor], callbacks=[lambda body, message: heard.append(body)],
                          accept=["json"], no_ack=True), celery.producer_or_acquire() as producer:
                confirmed, publish = [], producer.channel.basic_publish
                producer.channel.basic_publish = lambda msg, exchange="", routing_key="", *a, **k: (
                    confirmed.append(routing_key) or publish(msg, exchange, routing_key, *a, **k))
                try:
                    result = celery.send_task("auth.mail.send_message", args=[0], queue=tasks,
                                              producer=producer)
                finally:
                    producer.channel.basic_publish = publish
                assert confirmed == [name]  # the task went out on the confirming channel, the event not
                for _ in range(50):
                    if any(event.get("uuid") == result.id for event in heard):
                        break
                    with contextlib.suppress(TimeoutError):
                        conn.drain_events(timeout=0.1)
                sent = [e for e in heard if e.get("uuid") == result.id]
                assert [(e["type"], e["name"]) for e in sent] == [("task-sent", "auth.mail.send_message")]
                assert producer.channel._confirm_selected  # the task message was confirmed
                lossy = unconfirmed(producer)
                assert lossy.channel.connection is producer.channel.connection
                assert not lossy.channel._confirm_selected  # its event was not waited for
            assert tasks(conn.default_channel).queue_declare(passive=True).message_count == 1
        finally:
            tasks(conn.default_channel).delete()

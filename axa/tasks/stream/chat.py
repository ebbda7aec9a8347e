"""``stream.chat``: chat messages written to PostgreSQL in batches (axa/models/stream/chat_buffer.py).

* ``persist_messages()``: up to AXA_STREAM_CHAT_BATCH buffered messages in one INSERT, acknowledged
  in Redis after the commit; a full batch queues the next one at once. ``acks_late``: a worker
  killed mid-batch gets the task again, and the entries it held are claimed back.
* ``schedule_flush`` (called by the socket after each message): queues ``persist_messages`` with
  the flush delay as countdown, at most once per delay (a Redis ``SET NX PX``), so a busy chat
  costs one task a second, not one per message. The beat runs ``persist_messages`` too, every
  few seconds: nothing waits for ever if a kick was lost (broker down).
"""
from __future__ import annotations

import logging

import redis
from celery import shared_task
from flask import current_app
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis import RedisError
from sqlalchemy.exc import OperationalError

from axa.models.stream import ChatMessage, db
from axa.models.stream import chat_buffer as buffer
from axa.models.stream.chat_state import PREFIX
from axa.platform.redis_client import get_redis

log = logging.getLogger(__name__)
FLUSH_KEY = PREFIX + "flush"


@shared_task(name="stream.chat.persist_messages", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(OperationalError, RedisError), retry_backoff=True, retry_jitter=True,
             max_retries=8, soft_time_limit=10, time_limit=15)
def persist_messages() -> int:
    """Write one batch of buffered messages; how many entries it took."""
    client, size = get_redis(), current_app.config["AXA_STREAM_CHAT"].batch_size
    entries = buffer.take(client, size)
    ChatMessage.insert_batch([event for _, event in entries])
    db.session.commit()
    buffer.done(client, [entry_id for entry_id, _ in entries])
    if len(entries) == size:
        persist_messages.delay()
    return len(entries)


def schedule_flush(client: redis.Redis, delay: float) -> None:
    """Queue a batch ``delay`` seconds from now unless one is queued already; never raises (the
    beat's run catches up when the broker or Redis cannot take the kick)."""
    try:
        if client.set(FLUSH_KEY, "1", nx=True, px=max(1, int(delay * 1000))):
            persist_messages.apply_async(countdown=delay)
    except (RedisError, BrokerUnavailable, OSError):
        log.warning("chat: could not queue the message batch (the beat will)", exc_info=True)

"""The relay of the live inbox (axa/models/stream/live_inbox.py): a thread of every worker whose
queues include ``stream.live``, started when the worker is ready and stopped at its shutdown
(Celery's ``worker_ready`` / ``worker_shutdown`` signals). It waits on the inbox (a blocking read of
its consumer group), hands each event to its ``stream.live`` task (axa/tasks/stream/live.py)
through the broker, then acknowledges and deletes it. An event whose hand-over failed (the broker
down) stays pending and is handed over again; every ``CLAIM_EVERY`` seconds the relay also takes
the events a stopped relay left pending.

Tests without a worker relay with ``relay_once``, as the thread does.
"""
from __future__ import annotations

import logging
import os
import threading
import time

import redis
from celery.signals import worker_ready, worker_shutdown
from kombu.exceptions import OperationalError as BrokerUnavailable

from axa.models.stream import live_inbox as inbox
from axa.platform.celery_app import consumed_queues
from axa.platform.config import load_settings
from axa.tasks.stream import live

log = logging.getLogger(__name__)
QUEUE = "stream.live"
BLOCK_MS = 2000
CLAIM_EVERY = 10.0  # seconds
PAUSE = 1.0  # seconds after a failure of Redis or of the broker


def hand_over(event: inbox.Event) -> None:
    if event.kind == "published":
        live.mark_published.apply_async((event.channel_id, event.at))
    else:
        live.mark_unpublished.apply_async((event.channel_id, event.at, event.window))


def relay_once(client: redis.Redis, consumer: str, block_ms: int | None = None, claim: bool = False) -> int:
    """Hand the next events over (see live_inbox.take); how many entries were taken. A failed
    hand-over raises after acknowledging the events handed over before it."""
    taken, handed = inbox.take(client, consumer, block_ms, claim), []
    try:
        for entry_id, event in taken:
            if event is None:
                log.warning("live inbox: entry %s is not an event; dropped", entry_id)
            else:
                hand_over(event)
            handed.append(entry_id)
    finally:
        inbox.done(client, handed)
    return len(taken)


class Relay(threading.Thread):
    def __init__(self, redis_url: str, consumer: str):
        super().__init__(name="live-inbox-relay", daemon=True)
        # its own connection, not the shared client_for one: a blocking read outlasts its 2 s timeout
        self.client = redis.Redis.from_url(redis_url, decode_responses=True, socket_connect_timeout=1.0,
                                           socket_timeout=BLOCK_MS / 1000 + 5)
        self.consumer = consumer
        self.stopping = threading.Event()

    def run(self) -> None:
        last_claim = 0.0
        while not self.stopping.is_set():
            claim = time.monotonic() - last_claim >= CLAIM_EVERY
            try:
                relay_once(self.client, self.consumer, BLOCK_MS, claim)
            except (redis.RedisError, BrokerUnavailable) as exc:
                log.warning("live inbox relay: %s; trying again in %.0f s", exc, PAUSE)
                self.stopping.wait(PAUSE)
                continue
            if claim:
                last_claim = time.monotonic()

    def stop(self) -> None:
        self.stopping.set()
        self.join(BLOCK_MS / 1000 + 6)


_relay: Relay | None = None


@worker_ready.connect
def start_relay(sender=None, **_) -> None:
    global _relay
    if QUEUE in consumed_queues() and _relay is None:
        _relay = Relay(load_settings().redis_url, f"{sender.hostname}:{os.getpid()}")
        _relay.start()
        log.info("live inbox relay started (consumer %s)", _relay.consumer)


@worker_shutdown.connect
def stop_relay(**_) -> None:
    global _relay
    if _relay is not None:
        _relay.stop()
        _relay = None

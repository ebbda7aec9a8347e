"""``terminal.matching``: orders matched on the platform's own quotes (axa/models/terminal/matching.py).

The ingest graphs of stocks and cmc end each quote batch they write to the latest-quote contract
with ``announce_quotes`` (their ``publish_latest``): the refs of the batch, in tasks of at most
REFS_PER_TASK, on the ``terminal.matching`` queue; placing an order announces its own ref, so a
market order fills at once on a fresh quote. A matching task reads only the open orders of its refs.
It is idempotent (a filled order is no longer open), acked late and redelivered if its worker
dies: a fill is applied once. Beat sweeps the ``day`` orders past their close (``expire_orders``).
"""
from __future__ import annotations

import logging

from celery import shared_task
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis import RedisError
from sqlalchemy.exc import OperationalError

from axa.models.terminal import matching
from axa.platform import clock
from axa.platform.redis_client import get_redis
from axa.tasks.terminal import diary

log = logging.getLogger(__name__)
REFS_PER_TASK = 1000
QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
TRANSIENT = {"autoretry_for": (OperationalError, RedisError), "retry_backoff": True,
             "retry_jitter": True, "max_retries": 8}


@shared_task(name="terminal.matching.match_quotes", soft_time_limit=50, time_limit=60, **TRANSIENT)
def match_quotes(refs: list[str]) -> dict:
    """Evaluate the open orders of the quote refs ``refs`` ("<source>:<id>") on their latest quotes;
    the fills go on to the diary at once (axa/tasks/terminal/diary.py)."""
    counts = matching.match(get_redis(), refs, clock.now())
    if counts.get("filled"):
        diary.relay()
    return dict(counts)


@shared_task(name="terminal.matching.expire_orders", soft_time_limit=25, time_limit=30, **TRANSIENT)
def expire_orders() -> int:
    """Beat: expire the open orders past their close."""
    return matching.expire_due(clock.now())


def announce_quotes(refs: list[str]) -> None:
    """Matching for the quote refs a batch wrote (call after the write). A broker that does not
    answer loses nothing but these tasks' promptness: the next batch of the same refs announces
    them again."""
    for start in range(0, len(refs), REFS_PER_TASK):
        try:
            match_quotes.apply_async(args=(refs[start:start + REFS_PER_TASK],), retry_policy=QUICK_RETRY)
        except BrokerUnavailable as exc:
            log.warning("matching not announced for %d quote refs: %s", len(refs) - start, exc)
            return

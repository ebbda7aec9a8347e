"""``terminal.matching``: orders matched on the platform's own quotes (axa/models/terminal/matching.py).

The ingest graphs of stocks and cmc end each quote batch they write to the latest-quote contract
with ``announce_quotes`` (their ``publish_latest``): the refs of the batch, in tasks of at most
REFS_PER_TASK, on the ``terminal.matching`` queue; placing an order announces its own ref, so a
market order fills at once on a fresh quote. A matching task reads only the open orders of its refs.
It is idempotent (a filled order is no longer open), acked late and redelivered if its worker
dies: a fill is applied once. Beat sweeps the ``day`` orders past their close (``expire_orders``).

``snapshot_equity`` (beat, every minute) snapshots the accounts' equity for the portfolio history
(axa/models/terminal/history.py) when a slot is due: the intraday slot of
AXA_TERMINAL_HISTORY_EVERY_MINUTES that ``now`` falls in, and the last US session's close
(holidays and early closes from the market calendar). A slot already taken costs one read; a
repeated or redelivered sweep writes nothing twice.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from celery import shared_task
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis import RedisError
from sqlalchemy.exc import OperationalError

from axa.models.terminal import history, matching
from axa.models.terminal.market_hours import last_close
from axa.models.terminal.settings import terminal_settings
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


def slot_start(now: float, minutes: int) -> datetime:
    step = max(1, minutes) * 60
    return datetime.fromtimestamp(now - now % step, UTC)


def due(now: float, minutes: int) -> dict[str, datetime]:
    """The snapshots due at epoch ``now``: kind -> the instant they are stamped with."""
    wanted = {history.INTRADAY: slot_start(now, minutes),
              history.DAILY: last_close(datetime.fromtimestamp(now, UTC))}
    found = {kind: history.latest(kind) for kind in wanted}
    return {kind: at for kind, at in wanted.items() if found[kind] is None or found[kind] < at}


@shared_task(name="terminal.matching.snapshot_equity", soft_time_limit=50, time_limit=60,
             autoretry_for=(OperationalError, RedisError), retry_backoff=True, retry_jitter=True,
             max_retries=3)
def snapshot_equity() -> dict:
    """Beat: the due equity snapshots of every open account; how many of each kind were written."""
    now = clock.now()
    return {kind: history.snapshot(get_redis(), kind, at, now)
            for kind, at in due(now, terminal_settings().history_every_minutes).items()}

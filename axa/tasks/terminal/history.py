"""``terminal.matching.snapshot_equity`` (on the terminal's worker queue, ``terminal.matching``):
beat, every minute, snapshots the accounts' equity for the portfolio history
(axa/models/terminal/history.py) when a slot is due: the intraday slot of
AXA_TERMINAL_HISTORY_EVERY_MINUTES that ``now`` falls in, and the last US session's close
(holidays and early closes from the market calendar). A slot already taken costs one read; a
repeated or redelivered sweep writes nothing twice."""
from __future__ import annotations

from datetime import UTC, datetime

from celery import shared_task
from redis import RedisError
from sqlalchemy.exc import OperationalError

from axa.models.terminal import history
from axa.models.terminal.market_hours import last_close
from axa.models.terminal.settings import terminal_settings
from axa.platform import clock
from axa.platform.redis_client import get_redis


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

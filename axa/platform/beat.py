"""Exactly one beat sends periodic tasks, however many run (security.md T7).

``LockedScheduler`` is Celery's persistent scheduler behind a lock in Redis (``AXA_REDIS_URL``): a
beat sends only while it holds the lock, renewing it on every tick; another beat started anywhere
(a second container, an operator's mistake) stands by, trying again every few seconds, and takes
over within ``lock_seconds`` of the first one's death. Its first tick after taking over sends the
entries that fell due meanwhile (each has an ``expires``, so stale ones are dropped by workers).

    celery -A axa.platform.celery_sender beat -S axa.platform.beat:LockedScheduler
"""
from __future__ import annotations

import logging
import os
import socket
import uuid

import redis
from celery.beat import PersistentScheduler

from axa.platform.config import load_settings
from axa.platform.lua import LuaScript
from axa.platform.redis_client import client_for

log = logging.getLogger(__name__)
LOCK_KEY = "axa:beat:lock"
HOLD = LuaScript(__file__, "beat_lock")
RELEASE = LuaScript(__file__, "beat_unlock")


class LockedScheduler(PersistentScheduler):
    lock_seconds = 30.0  # a dead leader's lock lapses after this; the leader renews it every tick

    def __init__(self, *args, **kwargs):
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leading = False
        super().__init__(*args, **kwargs)

    def _redis(self) -> redis.Redis:
        return client_for(load_settings().redis_url)

    def _hold(self) -> bool:
        try:
            held = bool(HOLD(self._redis(), [LOCK_KEY], [self.token, int(self.lock_seconds * 1000)]))
        except redis.RedisError as exc:  # no lock, no sending: another beat may hold it
            log.warning("beat lock unavailable (%s); not sending", type(exc).__name__)
            held = False
        if held != self.leading:
            state = "took the lock: sending" if held else "lost the lock: standing by"
            log.warning("beat %s %s", self.token, state)
            self.leading = held
        return held

    def tick(self, *args, **kwargs) -> float:
        """Send what is due while holding the lock; sleep at most a third of its lifetime."""
        if not self._hold():
            return self.lock_seconds / 3
        return min(super().tick(*args, **kwargs), self.lock_seconds / 3)

    def close(self) -> None:
        try:
            if self.leading:
                RELEASE(self._redis(), [LOCK_KEY], [self.token])
        except redis.RedisError:
            pass  # the lock lapses on its own
        finally:
            super().close()

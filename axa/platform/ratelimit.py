"""Shared rate limits in Redis (the ``limits`` library, moving window), failing closed.

A limit that cannot be checked because Redis is down raises ``redis.RedisError``, which the
error handlers turn into 503 with Retry-After (security.md decision 12). Only storage errors are
reported so: anything else (a key that is not valid text) is a bug and stays what it is.
"""
from __future__ import annotations

import functools
import math
import time

from flask import current_app
from flask_smorest import abort
from limits import parse
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError


@functools.cache
def _limiter(url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(url, socket_connect_timeout=1,
                                                       socket_timeout=2))


def hit(scope: str, key: str, limit_spec: str) -> None:
    """Count one attempt for ``key`` under ``scope``; abort 429 with Retry-After past the limit."""
    _apply("hit", scope, key, limit_spec)


def check(scope: str, key: str, limit_spec: str) -> None:
    """Abort 429 if ``key`` is already past the limit, without counting an attempt."""
    _apply("test", scope, key, limit_spec)


def count(scope: str, key: str, limit_spec: str) -> bool:
    """Count one event for ``key`` under ``scope`` without aborting; True once the allowance is
    used up (this event reached a limit, or one was already past it)."""
    used_up = False
    for item in parse_many(limit_spec):
        counted = _call("hit", item, scope, key)
        used_up = used_up or not counted or not _call("test", item, scope, key)
    return used_up


def clear(scope: str, key: str, limit_spec: str) -> None:
    """Forget every attempt counted for ``key`` under ``scope`` (e.g. a lock the owner lifted)."""
    for item in parse_many(limit_spec):
        _call("clear", item, scope, key)


def _apply(method: str, scope: str, key: str, limit_spec: str) -> None:
    for item in parse_many(limit_spec):
        if not _call(method, item, scope, key):
            reset = _call("get_window_stats", item, scope, key).reset_time
            retry = max(1, math.ceil(reset - time.time()))
            abort(429, message="Too many attempts; try again later.",
                  headers={"Retry-After": str(retry)})


def _call(method: str, item, scope: str, key: str):
    limiter = _limiter(current_app.config["AXA"].redis_url)
    try:
        return getattr(limiter, method)(item, scope, key.lower())
    except (RedisError, StorageError) as exc:
        raise RedisConnectionError(f"rate limit storage: {type(exc).__name__}") from exc


@functools.cache
def parse_many(spec: str):
    return tuple(parse(part) for part in spec.split(";") if part.strip())


def reset_all() -> None:
    _limiter.cache_clear()

"""A child process for the two-process token-bucket test (importable by ``spawn``)."""
from __future__ import annotations

import time

import redis

from axa.clients import errors
from axa.clients.limits import VendorLimiter
from axa.platform.config import vendor_settings


def hammer(url: str, prefix: str, env: dict, ready, go, start_at, duration: float, results) -> None:
    """Take FMP calls through the limiter as fast as its shared bucket allows during
    [start, start + duration] (the path a vendor client takes: ``take_call``'s acquire)."""
    client = redis.Redis.from_url(url)
    limiter = VendorLimiter(client, {"fmp": vendor_settings("fmp", env)}, prefix=prefix)
    client.ping()
    ready.put(True)
    go.wait(30)
    start = start_at.value
    end = start + duration
    while time.time() < start:
        time.sleep(0.001)
    taken = 0
    while True:
        left = end - time.time()
        if left <= 0:
            break
        try:
            limiter.acquire("fmp", timeout=left)
        except errors.RateLimited:
            break
        if time.time() > end:
            break
        taken += 1
    results.put(taken)
    client.close()

"""A child process for the two-process token-bucket test (importable by ``spawn``)."""
from __future__ import annotations

import time

import redis

from axa.clients.limits import TokenBucket


def hammer(url: str, prefix: str, rates: dict, ready, go, start_at, duration: float, results) -> None:
    """Take tokens from the shared bucket as fast as it allows during [start, start + duration]."""
    client = redis.Redis.from_url(url)
    bucket = TokenBucket(client, rates, prefix=prefix)
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
        if left <= 0 or not bucket.acquire("fmp:account", timeout=left) or time.time() > end:
            break
        taken += 1
    results.put(taken)
    client.close()

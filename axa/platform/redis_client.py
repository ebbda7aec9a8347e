"""One Redis client per process for sessions, rate limits and locks (``AXA_REDIS_URL``)."""
from __future__ import annotations

import redis
from flask import current_app

_clients: dict[str, redis.Redis] = {}


def client_for(url: str) -> redis.Redis:
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(
            url, socket_connect_timeout=1.0, socket_timeout=2.0, health_check_interval=30,
            decode_responses=True)
    return _clients[url]


def get_redis() -> redis.Redis:
    return client_for(current_app.config["AXA"].redis_url)


def reset_clients() -> None:
    """Forget pooled connections (after fork, or when a test restarts Redis)."""
    for client in _clients.values():
        client.connection_pool.disconnect()
    _clients.clear()

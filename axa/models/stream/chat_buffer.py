"""The Redis stream of chat messages waiting to be written (``axa:stream:chat:buffer``, consumer
group ``persist``), read by the ``stream.chat`` batch (axa/tasks/stream/chat.py).

A batch takes entries with XREADGROUP; they stay pending until the batch has committed them to
PostgreSQL and acknowledged them (XACK and XDEL together). A worker that dies in between leaves
its entries pending: the next batch claims every entry pending longer than ``STALE_MS``
(XAUTOCLAIM) before reading new ones, and the INSERT skips ids already written. Nothing is lost
and nothing is written twice.
"""
from __future__ import annotations

import json
import os
import socket

import redis

from axa.models.stream.chat_state import BUFFER

GROUP = "persist"
STALE_MS = 30_000  # longer than a batch's hard time limit


def consumer() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _ensure_group(client: redis.Redis) -> None:
    try:
        client.xgroup_create(BUFFER, GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def take(client: redis.Redis, count: int) -> list[tuple[str, dict]]:
    """Up to ``count`` entries: stale pending ones first, then new ones."""
    _ensure_group(client)
    _, claimed, *_ = client.xautoclaim(BUFFER, GROUP, consumer(), STALE_MS, "0-0", count=count)
    entries = list(claimed)
    if len(entries) < count:
        for _, fresh in client.xreadgroup(GROUP, consumer(), {BUFFER: ">"}, count=count - len(entries)) or []:
            entries.extend(fresh)
    return [(entry_id, json.loads(fields["m"])) for entry_id, fields in entries if fields]


def done(client: redis.Redis, entry_ids: list[str]) -> None:
    if entry_ids:
        with client.pipeline(transaction=True) as pipe:
            pipe.xack(BUFFER, GROUP, *entry_ids)
            pipe.xdel(BUFFER, *entry_ids)
            pipe.execute()


def waiting(client: redis.Redis) -> int:
    return client.xlen(BUFFER)

"""The live inbox: the media server's publish and unpublish events on their way to ``stream.live``.

A publish hook must answer in about one Redis round trip (issue 11: at least 0.85 of one Redis GET
in a bare Flask endpoint); a confirmed broker publish in the request held it at 0.25 of that. So
the hook adds its event to a Redis stream in the same round trip as the key's lookup
(``key_publish.lua``: the event is added only when the key allows the publish), and a relay in the
worker that consumes ``stream.live`` (axa/tasks/stream/relay.py) hands each event to its task, then
acknowledges and deletes it. An event is relayed at least once: a relay that dies before its
acknowledgement leaves its events pending, and another relay claims them after ``CLAIM_IDLE_MS``;
the live tasks are idempotent on the channel's state, so a second delivery changes nothing.
Events carry the time the hook saw them, and the stream keeps their order.

If Redis itself loses the inbox, the keys' entries and the live map go with it; nginx-rtmp's
``on_update`` (every 15 s while publishing) marks the channel published again, and the beat sweep
ends sessions whose publish stopped, so the live state heals within those periods.
"""
from __future__ import annotations

from dataclasses import dataclass

import redis

from axa.models.stream.keys import NEGATIVE, PRESENTED_MAX, REDIS_KEY, channel_of_key, hash_key
from axa.platform.lua import LuaScript

INBOX = "axa:stream:live-inbox"
GROUP = "relay"
MAXLEN = 100_000  # about: a relay down for long keeps the newest events, not every one
CLAIM_IDLE_MS = 30_000  # a pending event this old belongs to a relay that stopped: another takes it
GONE_IDLE_MS = 3_600_000  # a consumer idle this long with nothing pending is a stopped relay's name
BATCH = 100
KEY_PUBLISH = LuaScript(__file__, "key_publish")
KINDS = ("published", "unpublished")


@dataclass(frozen=True)
class Event:
    id: str
    kind: str
    channel_id: int
    at: float
    window: float | None = None

    @classmethod
    def parse(cls, entry_id: str, fields: dict) -> Event | None:
        """The event of an inbox entry; None for one that is not an event (dropped by the relay)."""
        try:
            window = fields.get("window")
            event = cls(entry_id, fields["event"], int(fields["channel"]), float(fields["at"]),
                        float(window) if window else None)
        except (KeyError, TypeError, ValueError):
            return None
        return event if event.kind in KINDS else None


def record(client: redis.Redis, kind: str, channel_id: int, at: float, window: float | None = None) -> None:
    """Add an event to the inbox (the publish of a rebuilt key entry, an unpublish)."""
    fields = {"event": kind, "channel": channel_id, "at": repr(at)}
    if window is not None:
        fields["window"] = repr(window)
    client.xadd(INBOX, fields, maxlen=MAXLEN, approximate=True)


def publish_allowed(client: redis.Redis, presented: str, now: float, slug: str = "") -> tuple | None:
    """The channel (id, slug) the presented key may publish to at ``now`` (to ``slug`` when given),
    its publish event added to the inbox; else None. One round trip, unless the key's entry must be
    rebuilt from PostgreSQL (keys.channel_of_key)."""
    if not presented or len(presented) > PRESENTED_MAX:
        return None
    keys = [REDIS_KEY.format(hash_key(presented)), INBOX]
    entry, added = KEY_PUBLISH(client, keys, [repr(now), MAXLEN, slug])
    if isinstance(entry, bytes):
        entry = entry.decode()
    if added:
        channel_id, _, found_slug = entry.split()
        return int(channel_id), found_slug
    if entry is not None and (entry == NEGATIVE or entry.count(" ") == 2):
        return None  # unknown, revoked, expired, or another channel's
    found = channel_of_key(client, presented, now)
    if found is None or (slug and found[1] != slug):
        return None
    record(client, "published", found[0], now)
    return found


def ensure_group(client: redis.Redis) -> None:
    """The relays' consumer group, reading from the inbox's first entry (an event added before
    the group existed, after a Redis restart say, is relayed too)."""
    try:
        client.xgroup_create(INBOX, GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def _events(entries) -> list[tuple[str, Event | None]]:
    return [(entry_id, Event.parse(entry_id, fields or {})) for entry_id, fields in entries]


def take(client: redis.Redis, consumer: str, block_ms: int | None = None, claim: bool = False) -> list:
    """The next events for ``consumer``, as (entry id, event or None) pairs: its own pending ones
    first (a relay that failed to hand them over), then, when ``claim``, pending ones of stopped
    relays, then new ones, waiting up to ``block_ms`` for one. A missing group is made first."""
    try:
        return _take(client, consumer, block_ms, claim)
    except redis.ResponseError as exc:
        if "NOGROUP" not in str(exc):
            raise
    ensure_group(client)
    return _take(client, consumer, block_ms, claim)


def _take(client: redis.Redis, consumer: str, block_ms: int | None, claim: bool) -> list:
    mine = client.xreadgroup(GROUP, consumer, {INBOX: "0"}, count=BATCH)
    if mine and mine[0][1]:
        return _events(mine[0][1])
    if claim:
        stale = client.xautoclaim(INBOX, GROUP, consumer, CLAIM_IDLE_MS, count=BATCH)
        if stale[1]:
            return _events(stale[1])
        forget_stopped_relays(client, consumer)
    new = client.xreadgroup(GROUP, consumer, {INBOX: ">"}, count=BATCH, block=block_ms)
    return _events(new[0][1]) if new else []


def forget_stopped_relays(client: redis.Redis, keep: str) -> list[str]:
    """Remove from the group the consumers with nothing pending that have not read for
    ``GONE_IDLE_MS`` (each worker start names a new one; a running relay reads every few seconds,
    and a removed name comes back with its next read); the names removed."""
    gone = [c["name"] for c in client.xinfo_consumers(INBOX, GROUP)
            if c["name"] != keep and c["pending"] == 0 and c["idle"] > GONE_IDLE_MS]
    for name in gone:
        client.xgroup_delconsumer(INBOX, GROUP, name)
    return gone


def done(client: redis.Redis, entry_ids: list[str]) -> None:
    """Acknowledge and delete handed-over events (one round trip)."""
    if entry_ids:
        with client.pipeline(transaction=False) as pipe:
            pipe.xack(INBOX, GROUP, *entry_ids).xdel(INBOX, *entry_ids).execute()

"""Current viewers of live channels, counted in Redis (issue 11 item 5).

* ``stream:live`` (hash): slug -> ``"<channel id>:<live session id>"`` of every open live session,
  rebuilt from PostgreSQL by ``sync_live_map`` (on every state change of ``stream.live`` and on
  every sample): a heartbeat needs no PostgreSQL.
* ``stream:viewers:<slug>`` (sorted set): viewer -> the time of its last heartbeat. A viewer is
  ``u:<user id>`` signed in, ``a:<token>`` anonymous: one entry per viewer, so a viewer with two
  tabs or a fast player counts once. Entries older than the TTL do not count and are dropped.
* ``stream:hb:rate:<viewer>`` / ``stream:hb:rate:addr:<address>``: a fixed-window counter per
  viewer, and per address for the anonymous ids it asks for.
* ``stream:watch`` (hash): ``"<channel>:<session>:<user>"`` -> seconds watched by signed-in users
  since the last sample (the gap between two heartbeats no more than the TTL apart), moved into
  ``watch_history`` by the sampler (axa/tasks/stream/viewers.py).

A heartbeat is one EVALSHA (viewer_heartbeat.lua); the channel pages read the counts with one
pipeline of ZCOUNT.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import redis
from sqlalchemy import select

from axa.models.stream import db
from axa.models.stream.channels import Channel
from axa.models.stream.live import LiveSession
from axa.platform.lua import LuaScript

HEARTBEAT = LuaScript(__file__, "viewer_heartbeat")
LIVE_MAP = "stream:live"
WATCH = "stream:watch"
NOT_LIVE, COUNTED, LIMITED = 0, 1, 2


def viewers_key(slug: str) -> str:
    return f"stream:viewers:{slug}"


@dataclass(frozen=True)
class Beat:
    status: int  # NOT_LIVE, COUNTED or LIMITED
    value: int  # current viewers (COUNTED) or milliseconds to wait (LIMITED)


def heartbeat(client: redis.Redis, slug: str, viewer: str, rate_key: str, now: float, ttl: float,
              limit: int, window: float, user_id: int | None) -> Beat:
    """Count ``viewer`` on the channel at ``now`` unless ``rate_key`` is past ``limit`` beats in
    ``window`` seconds (one round trip)."""
    status, value = HEARTBEAT(client, keys=[LIVE_MAP, viewers_key(slug), f"stream:hb:rate:{rate_key}", WATCH],
                              args=[slug, viewer, repr(now), repr(ttl), limit, int(window * 1000),
                                    "" if user_id is None else user_id])
    return Beat(int(status), int(value))


def counts(client: redis.Redis, slugs: list[str], now: float, ttl: float) -> dict[str, int]:
    """Current viewers of these channels (one pipeline; read only)."""
    if not slugs:
        return {}
    with client.pipeline(transaction=False) as pipe:
        for slug in slugs:
            pipe.zcount(viewers_key(slug), f"({now - ttl!r}", "+inf")
        return dict(zip(slugs, pipe.execute(), strict=True))


def prune_and_count(client: redis.Redis, slugs: list[str], now: float, ttl: float) -> dict[str, int]:
    """Drop the expired viewers of these channels and count the rest (one pipeline)."""
    with client.pipeline(transaction=False) as pipe:
        for slug in slugs:
            pipe.zremrangebyscore(viewers_key(slug), "-inf", f"({now - ttl!r}")
            pipe.zcard(viewers_key(slug))
        results = pipe.execute()
    return dict(zip(slugs, results[1::2], strict=True))


def open_sessions() -> list[tuple[str, int, int, LiveSession]]:
    """(slug, channel id, session id, session) of every open live session."""
    stmt = (select(Channel.slug, Channel.id, LiveSession)
            .join(LiveSession, LiveSession.channel_id == Channel.id).where(LiveSession.ended_at.is_(None))
            .order_by(LiveSession.id))  # two overlapping samples lock their rows in one order
    return [(slug, cid, session.id, session) for slug, cid, session in db.session.execute(stmt)]


def sync_live_map(client: redis.Redis, sessions: list | None = None) -> int:
    """Make ``stream:live`` name exactly the open sessions (one MULTI); how many."""
    sessions = open_sessions() if sessions is None else sessions
    mapping = {slug: f"{cid}:{sid}" for slug, cid, sid, _ in sessions}
    with client.pipeline(transaction=True) as pipe:
        pipe.delete(LIVE_MAP)
        if mapping:
            pipe.hset(LIVE_MAP, mapping=mapping)
        pipe.execute()
    return len(mapping)


def take_watched(client: redis.Redis) -> list[tuple[int, int, int, float]]:
    """(channel, session, user, seconds) watched since the last call, removed from Redis (MULTI)."""
    with client.pipeline(transaction=True) as pipe:
        pipe.hgetall(WATCH)
        pipe.delete(WATCH)
        watched, _ = pipe.execute()
    out = []
    for field, seconds in watched.items():
        channel_id, session_id, user_id = (int(part) for part in field.split(":"))
        out.append((channel_id, session_id, user_id, float(seconds)))
    return out


# --- anonymous viewer ids: opaque, signed with the app's secret so none can be made up --------------

def _mac(secret: str, raw: str) -> str:
    digest = hmac.new(secret.encode(), f"stream-viewer:{raw}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode().rstrip("=")


def new_token(secret: str) -> str:
    raw = secrets.token_urlsafe(12)
    return f"{raw}.{_mac(secret, raw)}"


def token_viewer(secret: str, token: str) -> str | None:
    """The viewer (``a:<id>``) a token names, or None when it was not made here."""
    raw, _, mac = token.partition(".")
    if not raw or not hmac.compare_digest(mac, _mac(secret, raw)):
        return None
    return f"a:{raw}"

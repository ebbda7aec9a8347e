"""Server-side sessions in Redis, shared by all six subsystems.

Key contract (documented in README):
  ``axa:sess:<sha256(id)>``  hash {uid, created, seen, auth, ip, ua, handle}; TTL = idle timeout,
                             never past the absolute lifetime.
  ``axa:user:<uid>:sess``    set of session hashes for that user (pruned by the beat cleanup).
  ``axa:replica:<sub>:<uid>`` a subsystem's cached replica row (axa/models/replica.py).
The raw id never reaches Redis; validation is one EVALSHA round trip, never cached in the apps.

Idle refresh: a valid request rewrites ``seen`` and the TTL only when ``seen`` is at least
``refresh_slack`` old (60 s, at most a tenth of the idle timeout), not on every request. A session
therefore ends between ``idle - slack`` and ``idle`` seconds after its last request, never later;
``last_seen`` in the session list is accurate to the slack. The absolute lifetime is exact.

The check is ``session_check.lua``. A view can send its own Redis reads in the same round trip
(``validate_with(session_id, reads)``: one pipeline, the check first); their results are used only
when the session is live. ``GET /api/v1/me`` reads the caller's replica row so
(axa/models/replica.py), ``GET /api/v1/quotes`` the latest quotes (axa/models/latest_quotes.py).
"""
from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import NamedTuple

import redis

from axa.platform.lua import LuaScript, in_one_round_trip

SESSION_PREFIX = "axa:sess:"
INDEX_KEY = "axa:user:{uid}:sess"

REFRESH_SLACK = 60  # seconds; see the module docstring
CHECK = LuaScript(__file__, "session_check")
STAMP_AUTH = LuaScript(__file__, "session_stamp_auth")
Reads = Callable[[redis.client.Pipeline, str], None]


class Session(NamedTuple):  # built on every signed-in request: 0.3 us, a frozen dataclass 1 us
    key_hash: str
    user_id: int
    created: float
    seen: float
    auth_time: float
    ip: str = ""  # ip, user_agent and handle come with list_for_user and create, not validate
    user_agent: str = ""
    handle: str = ""


def hash_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _session(key_hash: str, raw: list | None) -> Session | None:
    """The session from the check script's answer ({uid, created, seen, auth} or nil)."""
    if not raw:
        return None
    created = float(raw[1])
    return Session(key_hash, int(raw[0]), created, float(raw[2] or created), float(raw[3] or created))


def _from_fields(key_hash: str, fields: dict) -> Session:
    return Session(key_hash=key_hash, user_id=int(fields["uid"]), created=float(fields["created"]),
                   seen=float(fields.get("seen", fields["created"])),
                   auth_time=float(fields.get("auth", fields["created"])),
                   ip=fields.get("ip", ""), user_agent=fields.get("ua", ""),
                   handle=fields.get("handle", ""))


class SessionStore:
    def __init__(self, client: redis.Redis, idle: int, absolute: int, clock=time.time):
        self.redis = client
        self.idle = idle
        self.absolute = absolute
        self.clock = clock
        self.refresh_slack = min(REFRESH_SLACK, idle // 10)

    def create(self, user_id: int, ip: str, user_agent: str) -> tuple[str, Session]:
        session_id = secrets.token_urlsafe(32)  # 256 bits
        key_hash = hash_id(session_id)
        now = self.clock()
        fields = {"uid": user_id, "created": now, "seen": now, "auth": now,
                  "ip": ip or "", "ua": (user_agent or "")[:256],
                  "handle": secrets.token_urlsafe(12)}
        ttl = max(1, min(self.idle, self.absolute))
        with self.redis.pipeline() as pipe:
            pipe.hset(SESSION_PREFIX + key_hash, mapping=fields)
            pipe.expire(SESSION_PREFIX + key_hash, ttl)
            pipe.sadd(INDEX_KEY.format(uid=user_id), key_hash)
            pipe.execute()
        return session_id, _from_fields(key_hash, {k: str(v) for k, v in fields.items()})

    def validate(self, session_id: str) -> Session | None:
        """The session if ``session_id`` names a live one (one EVALSHA), else None."""
        return self.validate_with(session_id)[0]

    def validate_with(self, session_id: str, reads: Reads | None = None) -> tuple[Session | None, list]:
        """The session, and the results of the commands ``reads(pipe, session_key)`` queued on
        the same round trip (a pipeline that runs the check first). Without a live session the
        reads' results are dropped: ``(None, [])``."""
        if not session_id or len(session_id) > 128:
            return None, []
        key_hash = hash_id(session_id)
        key, args = SESSION_PREFIX + key_hash, [self.clock(), self.idle, self.absolute, self.refresh_slack]
        if reads is None:
            return _session(key_hash, CHECK(self.redis, [key], args)), []

        def queue(pipe: redis.client.Pipeline) -> None:
            CHECK.queue(pipe, [key], args)
            reads(pipe, key)
        raw, *found = in_one_round_trip(self.redis, queue)
        session = _session(key_hash, raw)
        return session, (found if session else [])

    def expires_at(self, session: Session) -> float:
        return min(session.seen + self.idle, session.created + self.absolute)

    def stamp_auth(self, session: Session) -> float | None:
        """Record that the session's user proved the password again now (``auth``, the time the
        stream app's key rotation asks to be recent); returns the new auth time (None: the
        session ended meanwhile)."""
        now = self.clock()
        return now if STAMP_AUTH(self.redis, [SESSION_PREFIX + session.key_hash], [now]) else None

    def end(self, session: Session) -> None:
        with self.redis.pipeline() as pipe:
            pipe.delete(SESSION_PREFIX + session.key_hash)
            pipe.srem(INDEX_KEY.format(uid=session.user_id), session.key_hash)
            pipe.execute()

    def list_for_user(self, user_id: int) -> list[Session]:
        hashes = sorted(self.redis.smembers(INDEX_KEY.format(uid=user_id)))
        if not hashes:
            return []
        with self.redis.pipeline() as pipe:
            for key_hash in hashes:
                pipe.hgetall(SESSION_PREFIX + key_hash)
            rows = pipe.execute()
        return [_from_fields(h, f) for h, f in zip(hashes, rows, strict=True)
                if f and float(f["created"]) + self.absolute > self.clock()]

    def end_all(self, user_id: int, keep: str | None = None) -> int:
        index = INDEX_KEY.format(uid=user_id)
        hashes = [h for h in self.redis.smembers(index) if h != keep]
        if not hashes:
            return 0
        with self.redis.pipeline() as pipe:
            pipe.delete(*(SESSION_PREFIX + h for h in hashes))
            pipe.srem(index, *hashes)
            pipe.execute()
        return len(hashes)

    def prune_index(self, user_id: int) -> int:
        """Drop index entries whose session key has expired; returns how many."""
        index = INDEX_KEY.format(uid=user_id)
        hashes = list(self.redis.smembers(index))
        if not hashes:
            return 0
        with self.redis.pipeline() as pipe:
            for key_hash in hashes:
                pipe.exists(SESSION_PREFIX + key_hash)
            alive = pipe.execute()
        dead = [h for h, ok in zip(hashes, alive, strict=True) if not ok]
        if dead:
            self.redis.srem(index, *dead)
        return len(dead)

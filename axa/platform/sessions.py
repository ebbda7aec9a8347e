"""Server-side sessions in Redis, shared by all six subsystems.

Key contract (documented in README):
  ``axa:sess:<sha256(id)>``  hash {uid, created, seen, auth, ip, ua, handle}; TTL = idle timeout,
                             never past the absolute lifetime.
  ``axa:user:<uid>:sess``    set of session hashes for that user (pruned by the beat cleanup).
The raw id never reaches Redis; validation is one EVALSHA round trip.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import redis

SESSION_PREFIX = "axa:sess:"
INDEX_KEY = "axa:user:{uid}:sess"

# KEYS[1] = session key; ARGV = now, idle, absolute.  Returns the hash fields or nil.
_VALIDATE = """
local data = redis.call('HGETALL', KEYS[1])
if #data == 0 then return nil end
local created, seen = 0, 0
for i = 1, #data, 2 do
  if data[i] == 'created' then created = tonumber(data[i+1]) end
  if data[i] == 'seen' then seen = tonumber(data[i+1]) end
end
local now = tonumber(ARGV[1])
local left = created + tonumber(ARGV[3]) - now
if left <= 0 or seen + tonumber(ARGV[2]) <= now then redis.call('DEL', KEYS[1]) return nil end
redis.call('HSET', KEYS[1], 'seen', ARGV[1])
redis.call('EXPIRE', KEYS[1], math.max(1, math.min(tonumber(ARGV[2]), math.floor(left))))
return data
"""


@dataclass(frozen=True)
class Session:
    key_hash: str
    user_id: int
    created: float
    seen: float
    auth_time: float
    ip: str
    user_agent: str
    handle: str


def hash_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


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
        self._validate = client.register_script(_VALIDATE)

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
        if not session_id or len(session_id) > 128:
            return None
        key_hash = hash_id(session_id)
        raw = self._validate(keys=[SESSION_PREFIX + key_hash],
                             args=[self.clock(), self.idle, self.absolute])
        if not raw:
            return None
        return _from_fields(key_hash, dict(zip(raw[::2], raw[1::2], strict=True)))

    def expires_at(self, session: Session) -> float:
        return min(session.seen + self.idle, session.created + self.absolute)

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

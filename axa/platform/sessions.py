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

The check can also return the caller's row of a subsystem's user replica in the same round trip
(``replica_prefix``, see axa/models/replica.py): the script reads ``<prefix><uid>`` from the uid it
has just validated, and on a miss leaves a short fill lease there. That key is not declared in
KEYS, which a standalone Redis (as deployed) allows and Redis Cluster would not.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import redis

SESSION_PREFIX = "axa:sess:"
INDEX_KEY = "axa:user:{uid}:sess"
REPLICA_PREFIX = "axa:replica:{subsystem}:"

REFRESH_SLACK = 60  # seconds; see the module docstring
LEASE_SECONDS = 30  # how long a replica-cache miss holds its fill lease

# KEYS[1] = session key; ARGV = now, idle, absolute, refresh slack, replica prefix ('' = none),
# lease seconds.  Returns nil, or {uid, created, seen, auth[, replica row as a flat field list]}.
_VALIDATE = """
local f = redis.call('HMGET', KEYS[1], 'uid', 'created', 'seen', 'auth')
if not f[1] then return nil end
local now, idle = tonumber(ARGV[1]), tonumber(ARGV[2])
local created = tonumber(f[2]) or 0
local seen = tonumber(f[3]) or created
local left = created + tonumber(ARGV[3]) - now
if left <= 0 or seen + idle <= now then redis.call('DEL', KEYS[1]) return nil end
if now - seen >= tonumber(ARGV[4]) then
  redis.call('HSET', KEYS[1], 'seen', ARGV[1])
  redis.call('EXPIRE', KEYS[1], math.max(1, math.min(idle, math.floor(left))))
  f[3] = ARGV[1]
end
if ARGV[5] == '' then return f end
local key = ARGV[5] .. f[1]
local row = redis.call('HGETALL', key)
if #row == 0 then redis.call('HSET', key, 'lease', ARGV[1]) redis.call('EXPIRE', key, ARGV[6]) end
f[5] = row
return f
"""


@dataclass(frozen=True)
class Session:
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
        return self.validate_with_replica(session_id, "")[0]

    def validate_with_replica(self, session_id: str,
                              replica_prefix: str) -> tuple[Session | None, list | None]:
        """The session, plus the raw ``<replica_prefix><uid>`` hash fields when a prefix is given.

        One EVALSHA either way; the replica list is empty on a cache miss (a lease is left)."""
        if not session_id or len(session_id) > 128:
            return None, None
        key_hash = hash_id(session_id)
        raw = self._validate(keys=[SESSION_PREFIX + key_hash],
                             args=[self.clock(), self.idle, self.absolute, self.refresh_slack,
                                   replica_prefix, LEASE_SECONDS])
        if not raw:
            return None, None
        created = float(raw[1])
        session = Session(key_hash, int(raw[0]), created, float(raw[2] or created),
                          float(raw[3] or created))
        return session, (raw[4] if len(raw) > 4 else None)

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

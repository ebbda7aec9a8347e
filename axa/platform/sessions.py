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

A read can ride the same round trip (``Rider``): its Lua runs right after the check, only for a
valid session, and its result comes back with the session. The caller's user-replica row
(``REPLICA_RIDER``, axa/models/replica.py) and the latest quotes (axa/platform/quotes.py) ride so;
a rider's keys are not declared in KEYS, which a standalone Redis (as deployed) allows and Redis
Cluster would not.
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

# KEYS[1] = session key; ARGV = now, idle, absolute, refresh slack, then the rider's own args.
# Returns nil, or {uid, created, seen, auth[, what the rider returned]}.
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
"""
_RIDE = """
local function rider(uid, now, RARGV)
%s
end
f[5] = rider(f[1], now, {unpack(ARGV, 5)})
return f
"""
# A rider run alone (no session): ARGV = now, then its args.
_ALONE = """
local function rider(uid, now, RARGV)
%s
end
return rider(nil, tonumber(ARGV[1]), {unpack(ARGV, 2)})
"""


@dataclass(frozen=True)
class Rider:
    """A read that rides the session check's round trip. ``lua`` is a function body run only
    after the session has been validated, with ``uid`` (the user id, a string), ``now`` (the
    store's clock, a number) and ``RARGV`` (the rider's own arguments); what it returns comes
    back with the session. Keys it touches are not declared in KEYS, which a standalone Redis
    (as deployed) allows and Redis Cluster would not."""

    name: str
    lua: str


# The caller's row of a subsystem's user replica (axa/models/replica.py). RARGV = key prefix,
# lease seconds; on a miss a short fill lease is left so one reader fills the copy.
REPLICA_RIDER = Rider("replica", """
  local key = RARGV[1] .. uid
  local row = redis.call('HGETALL', key)
  if #row == 0 then redis.call('HSET', key, 'lease', now) redis.call('EXPIRE', key, RARGV[2]) end
  return row
""")


def run_alone(client: redis.Redis, rider: Rider, args: list, now: float) -> object:
    """Run a rider's Lua on its own (no session check): the same code, one round trip."""
    return script_for(client, "alone:" + rider.name, _ALONE % rider.lua)(args=[now, *args])


_scripts: dict[tuple[int, str], object] = {}


def script_for(client: redis.Redis, name: str, source: str):
    """A registered Lua script, one per client and name (EVALSHA, reloaded if Redis lost it)."""
    script = _scripts.get((id(client), name))
    if script is None:
        script = _scripts[(id(client), name)] = client.register_script(source)
    return script


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
        self._validate = client.register_script(_VALIDATE + "return f")

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
        return self.validate_with(session_id)[0]

    def validate_with(self, session_id: str, rider: Rider | None = None,
                      args: list | tuple = ()) -> tuple[Session | None, object]:
        """The session, plus what ``rider`` returned when one rides along (None without a valid
        session: a rider runs only for a valid one). One EVALSHA either way."""
        if not session_id or len(session_id) > 128:
            return None, None
        key_hash = hash_id(session_id)
        script = self._validate if rider is None else script_for(
            self.redis, "ride:" + rider.name, _VALIDATE + _RIDE % rider.lua)
        raw = script(keys=[SESSION_PREFIX + key_hash],
                     args=[self.clock(), self.idle, self.absolute, self.refresh_slack, *args])
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

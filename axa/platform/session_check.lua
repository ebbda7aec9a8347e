-- The session check every subsystem runs on every authenticated request (axa/platform/sessions.py).
-- KEYS[1] = axa:sess:<sha256(session id)>
-- ARGV    = now (epoch seconds), idle timeout, absolute lifetime, refresh slack (seconds)
-- Returns nil when the session does not exist or has ended (an ended one is deleted), else
-- {uid, created, seen, auth}. `seen` and the idle TTL are rewritten only when `seen` is at least
-- the slack old; the TTL never reaches past the absolute lifetime.
local f = redis.call('HMGET', KEYS[1], 'uid', 'created', 'seen', 'auth')
if not f[1] then return nil end
local now, idle = tonumber(ARGV[1]), tonumber(ARGV[2])
local created = tonumber(f[2]) or 0
local seen = tonumber(f[3]) or created
local left = created + tonumber(ARGV[3]) - now
if left <= 0 or seen + idle <= now then
  redis.call('DEL', KEYS[1])
  return nil
end
if now - seen >= tonumber(ARGV[4]) then
  redis.call('HSET', KEYS[1], 'seen', ARGV[1])
  redis.call('EXPIRE', KEYS[1], math.max(1, math.min(idle, math.floor(left))))
  f[3] = ARGV[1]
end
return f

-- Stamp a live session's auth time (axa/platform/sessions.py SessionStore.stamp_auth).
-- KEYS[1] = axa:sess:<sha256(session id)>; ARGV[1] = now (epoch seconds)
-- Returns 1 when stamped, 0 when the session is gone (never recreates a key without its TTL).
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'auth', ARGV[1])
return 1

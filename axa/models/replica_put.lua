-- Write a committed replica row into its Redis copy (axa/models/replica.py `cache_put`).
-- KEYS[1] = the cache key (axa:replica:<subsystem>:<uid>)
-- ARGV    = ttl, version, then field/value pairs.
-- Writes only over a fill lease or an older entry; returns 1 when written.
local have = redis.call('HMGET', KEYS[1], 'version', 'lease')
if not have[1] and not have[2] then return 0 end
if have[1] and tonumber(have[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1

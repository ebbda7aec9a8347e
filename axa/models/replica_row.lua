-- The caller's row of a subsystem's user replica (axa/models/replica.py), read in the session
-- check's round trip right after session_check.lua, which deletes an ended session first.
-- KEYS[1] = the session key (axa:sess:<hash>)
-- ARGV    = the replica key prefix (axa:replica:<subsystem>:), fill-lease seconds, now
-- Returns the cached row's fields and values (HGETALL), or an empty list. On a miss a fill lease
-- is left so that one reader fills the copy from PostgreSQL; false when there is no session.
-- The replica key is derived, not declared in KEYS: a standalone Redis (as deployed) allows it,
-- Redis Cluster would not.
local uid = redis.call('HGET', KEYS[1], 'uid')
if not uid then return false end
local key = ARGV[1] .. uid
local row = redis.call('HGETALL', key)
if #row == 0 then
  redis.call('HSET', key, 'lease', ARGV[3])
  redis.call('EXPIRE', key, ARGV[2])
end
return row

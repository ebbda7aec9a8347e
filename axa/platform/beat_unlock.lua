-- Give the beat lock up (axa/platform/beat.py), only if this beat holds it.
-- KEYS[1] = the lock key; ARGV[1] = this beat's token. Returns 1 when released.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0

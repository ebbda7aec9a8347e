-- Take or keep the beat lock (axa/platform/beat.py): exactly one beat sends periodic tasks.
-- KEYS[1] = the lock key; ARGV = this beat's token, the lock's lifetime in milliseconds.
-- Returns 1 while this beat holds the lock (taken now, or held and its lifetime renewed), else 0.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0

-- One viewer's heartbeat on a live channel (axa/models/stream/viewers.py), in one round trip.
-- KEYS[1] = the live map (hash: slug -> "<channel id>:<live session id>", kept by the sampler)
-- KEYS[2] = the channel's viewers (sorted set: viewer -> last seen, epoch s)
-- KEYS[3] = the rate counter of the caller (the viewer, or the address asking for a new id)
-- KEYS[4] = the watched seconds not yet written to PostgreSQL (hash: "<channel>:<session>:<user>")
-- ARGV    = slug, viewer, now, ttl (s), limit, window (ms), signed-in user id ('' anonymous)
-- Returns {0, 0} not live; {2, ms to wait} over the limit; {1, current viewers} counted.
local live = redis.call('HGET', KEYS[1], ARGV[1])
if not live then return {0, 0} end
local beats = redis.call('INCR', KEYS[3])
if beats == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[6]) end
if beats > tonumber(ARGV[5]) then return {2, redis.call('PTTL', KEYS[3])} end
local now, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
local seen = redis.call('ZSCORE', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[2], now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now - ttl))
redis.call('EXPIRE', KEYS[2], math.ceil(ttl * 2))
if ARGV[7] ~= '' and seen then
  local gap = now - tonumber(seen)
  if gap > 0 and gap <= ttl then redis.call('HINCRBYFLOAT', KEYS[4], live .. ':' .. ARGV[7], gap) end
end
return {1, redis.call('ZCARD', KEYS[2])}

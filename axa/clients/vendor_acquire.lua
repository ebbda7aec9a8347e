-- The vendor limiter's acquire in one round trip, on Redis's clock (axa/clients/limits.py).
-- KEYS: pause, bucket, calls today, calls this month, quota metric today, this month.
-- ARGV: capacity, rate in tokens per second (0: no bucket), tokens, calls to count, daily quota,
-- monthly quota (0: not enforced), day TTL, month TTL.
-- Returns {"paused", value} while a pause runs, {"quota", "day"|"month"} when a quota is used up,
-- {"wait", seconds} when the bucket is short, else {"ok", ""} with the token taken and the calls
-- counted.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local pause = redis.call('GET', KEYS[1])
if pause then
  local until_ = tonumber(string.match(pause, '^[^|]+'))
  if until_ and until_ > now then return {'paused', pause} end
end
local daily, monthly = tonumber(ARGV[5]), tonumber(ARGV[6])
if daily > 0 and (tonumber(redis.call('GET', KEYS[5])) or 0) >= daily then return {'quota', 'day'} end
if monthly > 0 and (tonumber(redis.call('GET', KEYS[6])) or 0) >= monthly then return {'quota', 'month'} end
local rate = tonumber(ARGV[2])
if rate > 0 then
  local capacity, wanted = tonumber(ARGV[1]), tonumber(ARGV[3])
  local state = redis.call('HMGET', KEYS[2], 'tokens', 'ts')
  local tokens = tonumber(state[1]) or capacity
  local ts = tonumber(state[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
  local wait = 0
  if tokens >= wanted then tokens = tokens - wanted else wait = (wanted - tokens) / rate end
  redis.call('HSET', KEYS[2], 'tokens', tostring(tokens), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[2], math.ceil(capacity / rate * 1000) + 60000)
  if wait > 0 then return {'wait', tostring(wait)} end
end
local calls = tonumber(ARGV[4])
if calls > 0 then
  redis.call('INCRBY', KEYS[3], calls)
  redis.call('EXPIRE', KEYS[3], ARGV[7])
  redis.call('INCRBY', KEYS[4], calls)
  redis.call('EXPIRE', KEYS[4], ARGV[8])
end
return {'ok', ''}

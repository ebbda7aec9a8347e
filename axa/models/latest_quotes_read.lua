-- Read the latest quotes of symbols (axa/models/latest_quotes.py `queue_read`). No KEYS.
-- ARGV = symbols or ISINs, upper case.
-- Returns {refs, bodies, stale_at}: `refs` has one entry per symbol (its ref, or false when the
-- symbol is unknown); `bodies` and `stale_at` have one entry per known ref, in order (the quote's
-- JSON object or false, and the epoch second from which it is stale). No JSON is built here.
local refs = redis.call('HMGET', 'axa:quote:index', unpack(ARGV))
local known = {}
for i = 1, #ARGV do
  if refs[i] then known[#known + 1] = refs[i] end
end
if #known == 0 then return {refs, {}, {}} end
return {refs, redis.call('HMGET', 'axa:quote:json', unpack(known)),
        redis.call('HMGET', 'axa:quote:stale_at', unpack(known))}

-- chat_send: may this user send this message to the channel now? (axa/models/stream/chat_state.py)
-- KEYS: rules hash, bans hash, moderators set, the user's slow-mode key, the user's rate key, id counter
-- ARGV: user id, now (ms), rate messages, rate window (ms), text (case-folded), subscribed since
--       (ms, -1: not subscribed)
-- Returns {"ok", counter} or {code, wait ms}; {"load", 0} when the channel's rules are not in Redis.
local rules, bans, mods, slow, rate, counter = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local uid, now = ARGV[1], tonumber(ARGV[2])
if redis.call("EXISTS", rules) == 0 then
  return {"load", 0}
end
local sent = redis.call("INCR", rate)
if sent == 1 then
  redis.call("PEXPIRE", rate, ARGV[4])
end
if sent > tonumber(ARGV[3]) then
  return {"rate_limited", redis.call("PTTL", rate)}
end
local ban = redis.call("HGET", bans, uid)
if ban then
  local untl = tonumber(ban)
  if untl == 0 then
    return {"banned", 0}
  elseif untl > now then
    return {"timed_out", untl - now}
  end
  redis.call("HDEL", bans, uid)
end
local privileged = redis.call("HGET", rules, "owner") == uid or redis.call("SISMEMBER", mods, uid) == 1
local terms = redis.call("HGET", rules, "terms") or ""
for term in string.gmatch(terms, "[^\n]+") do
  if string.find(ARGV[5], term, 1, true) then
    return {"blocked_term", 0}
  end
end
if not privileged then
  if redis.call("HGET", rules, "subs_only") == "1" then
    local since = tonumber(ARGV[6])
    if since < 0 then
      return {"subscribers_only", 0}
    end
    local ready = since + tonumber(redis.call("HGET", rules, "min_sub")) * 60000
    if ready > now then
      return {"subscription_too_new", ready - now}
    end
  end
  local wait = tonumber(redis.call("HGET", rules, "slow"))
  if wait > 0 and not redis.call("SET", slow, "1", "PX", wait * 1000, "NX") then
    return {"slow_mode", redis.call("PTTL", slow)}
  end
end
return {"ok", redis.call("INCR", counter)}

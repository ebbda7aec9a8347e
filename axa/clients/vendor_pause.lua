-- Pause a vendor until a time (axa/clients/limits.py `pause`); a pause never shortens a longer one.
-- KEYS[1] = the pause key; ARGV = until (epoch seconds), reason, until in epoch milliseconds.
-- Returns 1 when the pause was set, 0 when a pause at least as long was already running.
local current = redis.call('GET', KEYS[1])
if current and tonumber(string.match(current, '^[^|]+')) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PXAT', ARGV[3])
return 1

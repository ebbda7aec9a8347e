-- Store a batch of latest quotes (axa/models/latest_quotes.py `write`). No KEYS (the contract's
-- four hashes are fixed names).
-- ARGV[1] = "1" to also map each quote's id (upper case) to its ref in axa:quote:index, else "0";
-- then per quote: ref ("<source>:<id>"), as_of (epoch seconds), the quote's JSON object, stale_at.
-- A quote is written unless Redis holds a newer one (by as_of) for its ref.
-- Returns how many quotes were written.
local refs, names = {}, {}
local index = ARGV[1] == '1'
for i = 2, #ARGV, 4 do
  local ref = ARGV[i]
  refs[#refs + 1] = ref
  if index then
    names[#names + 1] = string.upper(string.sub(ref, string.find(ref, ':', 1, true) + 1))
    names[#names + 1] = ref
  end
end
local held = redis.call('HMGET', 'axa:quote:as_of', unpack(refs))
local bodies, stale_at, as_of = {}, {}, {}
for j = 1, #refs do
  local base = (j - 1) * 4 + 1
  if tonumber(ARGV[base + 2]) >= (tonumber(held[j]) or -1) then
    local ref = ARGV[base + 1]
    bodies[#bodies + 1] = ref
    bodies[#bodies + 1] = ARGV[base + 3]
    stale_at[#stale_at + 1] = ref
    stale_at[#stale_at + 1] = ARGV[base + 4]
    as_of[#as_of + 1] = ref
    as_of[#as_of + 1] = ARGV[base + 2]
  end
end
if #bodies > 0 then
  redis.call('HSET', 'axa:quote:json', unpack(bodies))
  redis.call('HSET', 'axa:quote:stale_at', unpack(stale_at))
  redis.call('HSET', 'axa:quote:as_of', unpack(as_of))
end
if #names > 0 then redis.call('HSET', 'axa:quote:index', unpack(names)) end
return #bodies / 2

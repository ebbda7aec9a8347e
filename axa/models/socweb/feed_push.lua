-- Add posts to one home feed (axa/models/socweb/feeds.py `push`).
-- KEYS[1] = the feed (axa:socweb:feed:<user_id>)
-- ARGV    = size (entries kept), lifetime (seconds), then the post ids (member = score = id).
-- Keeps the newest `size` entries. A feed that had none (it expired, or the user never read it)
-- starts with `lifetime`; a feed that exists keeps the expiry its last read gave it, so fan-out
-- alone never keeps an unread feed alive. (EXPIRE ... NX does this in Redis 7; this works on 6.2.)
local size, lifetime = tonumber(ARGV[1]), tonumber(ARGV[2])
local batch = {}
for i = 3, #ARGV do
    batch[#batch + 1] = ARGV[i]
    batch[#batch + 1] = ARGV[i]
    if #batch >= 1000 or i == #ARGV then
        redis.call('ZADD', KEYS[1], unpack(batch))
        batch = {}
    end
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(size + 1))
if redis.call('TTL', KEYS[1]) == -1 then
    redis.call('EXPIRE', KEYS[1], lifetime)
end
return 1

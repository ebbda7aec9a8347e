-- A media server's publish with a stream key (axa/models/stream/live_inbox.py), in one round trip:
-- the key's entry is read and, when it allows the publish now, the live event is added to the inbox.
-- KEYS[1] = the key's entry ("<channel id> <expires epoch or 0> <channel slug>", or "-": keys.py)
-- KEYS[2] = the live inbox (a stream the worker's relay hands to stream.live)
-- ARGV    = now (epoch s), the inbox's approximate length cap, the slug the publish must name ('' any)
-- Returns {entry or false, 1 when the event was added else 0}. A missing entry, or one of another
-- format, adds nothing: the caller rebuilds it from PostgreSQL.
local entry = redis.call('GET', KEYS[1])
if not entry then return {false, 0} end
local channel, expires, slug = string.match(entry, '^(%d+) (%S+) (%S+)$')
if not channel then return {entry, 0} end
local now, until_ = tonumber(ARGV[1]), tonumber(expires)
if until_ == nil or (until_ ~= 0 and until_ <= now) then return {entry, 0} end
if ARGV[3] ~= '' and ARGV[3] ~= slug then return {entry, 0} end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'event', 'published', 'channel', channel, 'at', ARGV[1])
return {entry, 1}

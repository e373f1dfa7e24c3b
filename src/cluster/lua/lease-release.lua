-- Release a lease, by its holder (token given) or by the supervisor after the
-- holder's process exited (token empty: any token of that owner).
-- KEYS[1] lease hash
-- ARGV[1] owner, ARGV[2] token or ''
-- Returns 1 when a live lease was released, 0 otherwise. A stale record of
-- the same owner and token is deleted too: nobody else can hold it.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cur = redis.call('HMGET', KEYS[1], 'owner', 'token', 'expiresAt')
if cur[1] ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' and tonumber(cur[2]) ~= tonumber(ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
if tonumber(cur[3]) > now then return 1 end
return 0

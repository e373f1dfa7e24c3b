-- Extend many live connections in one call.
-- KEYS[i] connections sorted set of connection i
-- ARGV[1] ttl ms, ARGV[2] garbage-collection slack ms, ARGV[2 + i] connectionId i
-- Returns, per connection, 1 when extended, 0 when it had already expired or
-- was disconnected: the platform has dropped it, and a heartbeat cannot
-- bring it back (the client must connect again).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
local keep = ttl + tonumber(ARGV[2])
local out = {}
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if redis.call('ZSCORE', KEYS[i], ARGV[2 + i]) then
    redis.call('ZADD', KEYS[i], 'XX', now + ttl, ARGV[2 + i])
    if redis.call('PTTL', KEYS[i]) < keep then redis.call('PEXPIRE', KEYS[i], keep) end
    out[i] = 1
  else
    out[i] = 0
  end
end
return out

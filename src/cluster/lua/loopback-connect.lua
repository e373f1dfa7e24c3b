-- Register a live connection of a session on the loopback network.
-- KEYS[1] connections sorted set (member connectionId, score expiry ms), KEYS[2] violations hash
-- ARGV[1] sessionId, ARGV[2] connectionId, ARGV[3] ttl ms, ARGV[4] garbage-collection slack ms
-- Returns the number of live connections after registering; above 1 the
-- session is counted as a violation (two copies live at once).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
-- A connection is dead from its expiry on, the same instant a lease with that
-- expiry can be taken over (lease scripts treat expiresAt <= now as expired).
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
local live = redis.call('ZCARD', KEYS[1])
if live > 1 then redis.call('HINCRBY', KEYS[2], ARGV[1], 1) end
local keep = ttl + tonumber(ARGV[4])
if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
return live

-- Take or renew the lease of one session.
-- KEYS[1] lease hash { owner, token, expiresAt }, KEYS[2] fencing counter
-- ARGV[1] owner, ARGV[2] ttl ms, ARGV[3] ms the hash outlives its expiry (garbage collection only)
-- Returns { token, expiresAt } or nil when another owner holds a live lease.
-- Time is Redis server time, so holders on skewed clocks agree on expiry.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
local cur = redis.call('HMGET', KEYS[1], 'owner', 'token', 'expiresAt')
local token
if cur[1] and tonumber(cur[3]) > now then
  if cur[1] ~= ARGV[1] then return false end
  -- Same owner asking again (e.g. after a lost reply): keep its token, so
  -- anything it already fenced with stays valid.
  token = tonumber(cur[2])
else
  -- The counter is never reset, so tokens keep rising across owners and
  -- across lease deletions.
  token = redis.call('INCR', KEYS[2])
end
local expiresAt = now + ttl
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', token, 'expiresAt', expiresAt)
-- Expiry is decided by expiresAt against TIME above; the key TTL only
-- collects leases nobody released, so it must never fire before expiresAt.
redis.call('PEXPIREAT', KEYS[1], expiresAt + tonumber(ARGV[3]))
return { token, expiresAt }

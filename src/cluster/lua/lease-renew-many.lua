-- Renew many leases in one call.
-- KEYS[i] lease hash of lease i
-- ARGV[1] ttl ms, ARGV[2] garbage-collection slack ms,
-- ARGV[1 + 2i] owner of lease i, ARGV[2 + 2i] its token
-- Returns, per lease, the new expiresAt or nil when the lease is lost
-- (taken by another owner or token, released, or already expired: an expired
-- lease is not revived, because its holder was obliged to stop already).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
local slack = tonumber(ARGV[2])
local expiresAt = now + ttl
local out = {}
for i = 1, #KEYS do
  local cur = redis.call('HMGET', KEYS[i], 'owner', 'token', 'expiresAt')
  if cur[1] == ARGV[1 + 2 * i] and tonumber(cur[2]) == tonumber(ARGV[2 + 2 * i])
      and tonumber(cur[3]) > now then
    redis.call('HSET', KEYS[i], 'expiresAt', expiresAt)
    redis.call('PEXPIREAT', KEYS[i], expiresAt + slack)
    out[i] = expiresAt
  else
    out[i] = false
  end
end
return out

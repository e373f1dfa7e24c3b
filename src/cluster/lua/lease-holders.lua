-- Current holders of many leases.
-- KEYS[i] lease hash
-- Returns, per lease, { owner, token, expiresAt } or nil when free or expired.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i = 1, #KEYS do
  local cur = redis.call('HMGET', KEYS[i], 'owner', 'token', 'expiresAt')
  if cur[1] and tonumber(cur[3]) > now then
    out[i] = { cur[1], tonumber(cur[2]), tonumber(cur[3]) }
  else
    out[i] = false
  end
end
return out

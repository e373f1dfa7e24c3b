-- One page of dead letters, oldest first.
-- KEYS[1] dead hash, KEYS[2] dead-order zset
-- ARGV[1] offset, ARGV[2] page size
-- Returns id, record for each dead letter.
local offset = tonumber(ARGV[1])
local ids = redis.call('ZRANGE', KEYS[2], offset, offset + tonumber(ARGV[2]) - 1)
local out = {}
for i = 1, #ids do
  out[#out + 1] = ids[i]
  out[#out + 1] = redis.call('HGET', KEYS[1], ids[i])
end
return out

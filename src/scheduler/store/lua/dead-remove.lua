-- Delete dead letters by id.
-- KEYS[1] dead hash, KEYS[2] dead-order zset
-- ARGV ids
-- Returns how many existed.
local removed = 0
for i = 1, #ARGV do
  removed = removed + redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
end
return removed

-- Delete dead letters by id.
-- KEYS[1] dead hash, KEYS[2] dead-order zset
-- ARGV ids
-- Returns the ids that were not dead letters (unknown, or replayed or purged meanwhile).
local missing = {}
for i = 1, #ARGV do
  if redis.call('HDEL', KEYS[1], ARGV[i]) == 0 then missing[#missing + 1] = ARGV[i] end
  redis.call('ZREM', KEYS[2], ARGV[i])
end
return missing

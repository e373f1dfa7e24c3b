-- One page of pending tasks in seq order, for restore.
-- KEYS[1] tasks hash, KEYS[2] order zset
-- ARGV[1] seq to start after (exclusive), ARGV[2] page size
-- Returns id, seq, json for each task (json nil if the body is missing,
-- which the write scripts never leave behind).
local page = redis.call('ZRANGE', KEYS[2], '(' .. ARGV[1], '+inf', 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[2]), 'WITHSCORES')
local out = {}
for i = 1, #page, 2 do
  out[#out + 1] = page[i]
  out[#out + 1] = page[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[1], page[i])
end
return out

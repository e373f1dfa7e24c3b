-- Move dead letters back to pending, each only if it is still the record the
-- caller read (compare and set), so a concurrent replay or purge of the same
-- letter cannot run it twice.
-- KEYS[1] tasks hash, KEYS[2] order zset, KEYS[3] seq counter, KEYS[4] dead hash, KEYS[5] dead-order zset,
-- KEYS[6] pairs hash (pending tasks per pair)
-- ARGV: id, record as read, task JSON to make pending (attempts reset), its pair - repeated
-- Returns per letter: its new seq (it goes behind everything pending), 0 when
-- the record is gone or changed, -1 when a pending task has the same id (the
-- letter stays).
local out = {}
for i = 1, #ARGV, 4 do
  local id = ARGV[i]
  local r
  if redis.call('HGET', KEYS[4], id) ~= ARGV[i + 1] then
    r = 0
  elseif redis.call('ZSCORE', KEYS[2], id) then
    r = -1
  else
    r = redis.call('INCR', KEYS[3])
    redis.call('HDEL', KEYS[4], id)
    redis.call('ZREM', KEYS[5], id)
    redis.call('ZADD', KEYS[2], r, id)
    redis.call('HSET', KEYS[1], id, ARGV[i + 2])
    redis.call('HINCRBY', KEYS[6], ARGV[i + 3], 1)
  end
  out[#out + 1] = r
end
return out

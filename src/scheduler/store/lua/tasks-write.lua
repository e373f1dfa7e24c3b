-- Apply a batch of task writes of one owner in order, as one atomic step.
-- KEYS[1] tasks hash, KEYS[2] order zset, KEYS[3] seq counter, KEYS[4] dead hash, KEYS[5] dead-order zset
-- ARGV[1] number of puts, then the ops, each a code and its fields:
--   'p' id json                put: store the task; a new id gets the next seq,
--                              a pending one keeps its seq (a retry must not move it in its pair)
--   'a' id                     ack: forget the task
--   'd' id record deadAt       dead letter: forget the task, keep record under dead
-- Returns the seq high-water mark after the batch.
-- Scripts are not rolled back on error, so every op is checked before the first write.
local n = #ARGV
local i = 2
while i <= n do
  local op = ARGV[i]
  if op == 'p' then i = i + 3
  elseif op == 'a' then i = i + 2
  elseif op == 'd' then i = i + 4
  else return redis.error_reply('ERR tasks-write: unknown op ' .. tostring(op)) end
end
if i ~= n + 1 then return redis.error_reply('ERR tasks-write: truncated op list') end

local puts = tonumber(ARGV[1])
local seq = 0
if puts > 0 then
  -- One INCRBY reserves the whole batch; ids already pending leave gaps, which is harmless.
  seq = redis.call('INCRBY', KEYS[3], puts) - puts
end
i = 2
while i <= n do
  local op = ARGV[i]
  local id = ARGV[i + 1]
  if op == 'p' then
    seq = seq + 1
    redis.call('ZADD', KEYS[2], 'NX', seq, id)
    redis.call('HSET', KEYS[1], id, ARGV[i + 2])
    i = i + 3
  elseif op == 'a' then
    redis.call('HDEL', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    i = i + 2
  else
    redis.call('HDEL', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    redis.call('HSET', KEYS[4], id, ARGV[i + 2])
    redis.call('ZADD', KEYS[5], ARGV[i + 3], id)
    i = i + 4
  end
end
return tonumber(redis.call('GET', KEYS[3]) or '0')

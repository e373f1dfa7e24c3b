-- Apply a batch of task writes of one owner in order, as one atomic step.
-- KEYS[1] tasks hash, KEYS[2] order zset, KEYS[3] seq counter, KEYS[4] dead hash, KEYS[5] dead-order zset,
-- KEYS[6] pairs hash (pending tasks per pair, read by other supervisors to hold those pairs)
-- ARGV[1] number of puts without a seq of their own, then the ops, each a code and its fields:
--   'p' id json seq pairId     put: store the task; a new id is placed at `seq`, the scheduler's
--                              enqueue order, so a put written late (after a failed write) still
--                              lands before the later tasks of its pair; seq 0 takes the next one
--                              from the counter; a pending one keeps its seq (a retry must not move it)
--   'a' id pairId              ack: forget the task
--   'd' id record deadAt pairId  dead letter: forget the task, keep record under dead
--   'm' id seq                 move: a pending task to `seq` (behind tasks of its pair claimed later)
-- Returns the seq high-water mark after the batch.
-- Scripts are not rolled back on error, so every op is checked before the first write.
local n = #ARGV
local i = 2
while i <= n do
  local op = ARGV[i]
  if op == 'p' then i = i + 5
  elseif op == 'a' then i = i + 3
  elseif op == 'd' then i = i + 5
  elseif op == 'm' then i = i + 3
  else return redis.error_reply('ERR tasks-write: unknown op ' .. tostring(op)) end
end
if i ~= n + 1 then return redis.error_reply('ERR tasks-write: truncated op list') end

-- A pair's count goes when it reaches 0; a task written before counts existed takes it below 0, which also ends it.
local function unpend(id, pairId)
  if redis.call('ZREM', KEYS[2], id) == 1 and redis.call('HINCRBY', KEYS[6], pairId, -1) <= 0 then
    redis.call('HDEL', KEYS[6], pairId)
  end
end

local puts = tonumber(ARGV[1])
local seq = 0
if puts > 0 then
  -- One INCRBY reserves the whole batch; ids already pending leave gaps, which is harmless.
  seq = redis.call('INCRBY', KEYS[3], puts) - puts
end
-- The highest seq a put or move brought: the counter never falls behind it, so claims still go behind everything.
local high = 0
i = 2
while i <= n do
  local op = ARGV[i]
  local id = ARGV[i + 1]
  if op == 'p' then
    local own = tonumber(ARGV[i + 3])
    local score = own
    if own <= 0 then
      seq = seq + 1
      score = seq
    end
    -- Only a seq that placed a task counts: a pending one kept its own.
    if redis.call('ZADD', KEYS[2], 'NX', score, id) == 1 then
      if own > high then high = own end
      redis.call('HINCRBY', KEYS[6], ARGV[i + 4], 1)
    end
    redis.call('HSET', KEYS[1], id, ARGV[i + 2])
    i = i + 5
  elseif op == 'a' then
    redis.call('HDEL', KEYS[1], id)
    unpend(id, ARGV[i + 2])
    i = i + 3
  elseif op == 'd' then
    redis.call('HDEL', KEYS[1], id)
    unpend(id, ARGV[i + 4])
    redis.call('HSET', KEYS[4], id, ARGV[i + 2])
    redis.call('ZADD', KEYS[5], ARGV[i + 3], id)
    i = i + 5
  else
    local to = tonumber(ARGV[i + 2])
    -- A task acked meanwhile stays gone.
    if redis.call('ZSCORE', KEYS[2], id) then
      redis.call('ZADD', KEYS[2], 'XX', to, id)
      if to > high then high = to end
    end
    i = i + 3
  end
end
local current = tonumber(redis.call('GET', KEYS[3]) or '0')
if high > current then
  redis.call('SET', KEYS[3], high)
  current = high
end
return current

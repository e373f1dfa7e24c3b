-- Move up to ARGV[2] of a dead owner's pending tasks, then its dead letters,
-- to a live owner. Each call is atomic: a task is in exactly one shard before
-- and after it. The caller repeats until nothing remains.
-- KEYS[1..4] dead owner: tasks, order, dead, dead-order
-- KEYS[5..9] live owner: tasks, order, seq, dead, dead-order
-- KEYS[10] claim marker of the dead owner
-- KEYS[11] dead owner's pairs hash, KEYS[12] live owner's pairs hash (pending tasks per pair)
-- KEYS[13] the set of owners with a shard
-- ARGV[1] live owner id, ARGV[2] most items per call, ARGV[3] marker ttl ms, ARGV[4] dead owner id
-- Returns { status, holder, deadLettersMoved, duplicates, id, seq, json, ... }:
-- status 1 = more remain, 0 = done, -1 = another owner is claiming (holder).
local holder = redis.call('GET', KEYS[10])
if holder and holder ~= ARGV[1] then return { -1, holder, 0, 0 } end
-- The marker makes one claimant take all: two claimants would split a pair's
-- tasks between two schedulers and break its order.
redis.call('SET', KEYS[10], ARGV[1], 'PX', tonumber(ARGV[3]))

-- The pair of a stored task: records are JSON arrays behind a version (see task-codec.ts), older ones objects.
local function pairOf(json)
  local ok, record = pcall(cjson.decode, json)
  if not ok or type(record) ~= 'table' then return nil end
  if record[1] == 1 then return record[4] end
  return record.pairId
end

local budget = tonumber(ARGV[2])
local out = { 0, ARGV[1], 0, 0 }
local duplicates = 0
-- Oldest first, each behind everything the live owner already holds, so the
-- dead owner's order within each pair is kept.
local ids = redis.call('ZRANGE', KEYS[2], 0, budget - 1)
for i = 1, #ids do
  local id = ids[i]
  local json = redis.call('HGET', KEYS[1], id)
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  if json then
    if redis.call('ZSCORE', KEYS[6], id) then
      -- Same task id already live (its source re-sent it there): keep that one.
      duplicates = duplicates + 1
    else
      local seq = redis.call('INCR', KEYS[7])
      redis.call('ZADD', KEYS[6], seq, id)
      redis.call('HSET', KEYS[5], id, json)
      local pairId = pairOf(json)
      if type(pairId) == 'string' then redis.call('HINCRBY', KEYS[12], pairId, 1) end
      out[#out + 1] = id
      out[#out + 1] = seq
      out[#out + 1] = json
    end
  end
end
budget = budget - #ids
local deadMoved = 0
if budget > 0 then
  local dead = redis.call('ZRANGE', KEYS[4], 0, budget - 1, 'WITHSCORES')
  for i = 1, #dead, 2 do
    local id = dead[i]
    local record = redis.call('HGET', KEYS[3], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
    if record and redis.call('HSETNX', KEYS[8], id, record) == 1 then
      redis.call('ZADD', KEYS[9], dead[i + 1], id)
      deadMoved = deadMoved + 1
    end
  end
end
-- Its counts are stale while tasks remain (the claimant holds those pairs too); gone with the last task.
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[11]) end
out[3] = deadMoved
out[4] = duplicates
if redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[4]) > 0 then
  out[1] = 1
else
  redis.call('DEL', KEYS[10])
  redis.call('SREM', KEYS[13], ARGV[4])
end
return out

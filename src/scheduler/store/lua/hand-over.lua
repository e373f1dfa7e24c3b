-- Hand one pending task of this owner to another live owner, whose session
-- runs the task's sending account: one atomic step, so the task is in
-- exactly one shard before and after it, and in the receiver's inbox list
-- until the receiver takes it into memory.
-- KEYS[1..3] this owner: tasks, order, pairs
-- KEYS[4..8] receiver: tasks, order, seq, pairs, inbox
-- KEYS[9] the set of owners with a shard
-- ARGV[1] task id, ARGV[2] pair id, ARGV[3] receiver id
-- Returns 1 handed over, 0 not pending here (nothing to do), 2 the receiver
-- already holds a task with this id (kept there; dropped here).
local id = ARGV[1]
local pairId = ARGV[2]
local json = redis.call('HGET', KEYS[1], id)
if not json then return 0 end
redis.call('HDEL', KEYS[1], id)
if redis.call('ZREM', KEYS[2], id) == 1 and redis.call('HINCRBY', KEYS[3], pairId, -1) <= 0 then
  redis.call('HDEL', KEYS[3], pairId)
end
if redis.call('ZSCORE', KEYS[5], id) then return 2 end
-- Behind everything the receiver holds: the pair's earlier tasks reached it first.
local seq = redis.call('INCR', KEYS[6])
redis.call('ZADD', KEYS[5], seq, id)
redis.call('HSET', KEYS[4], id, json)
redis.call('HINCRBY', KEYS[7], pairId, 1)
redis.call('RPUSH', KEYS[8], id)
redis.call('SADD', KEYS[9], ARGV[3])
return 1

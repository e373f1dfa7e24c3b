-- Take the tasks other owners handed to this one (hand-over.lua) out of its
-- inbox, for the scheduler to load into memory. The inbox only names them:
-- they are pending in this shard already, so a crash before they are loaded
-- loses nothing (a restore loads the whole shard).
-- KEYS[1] tasks hash, KEYS[2] order zset, KEYS[3] inbox list
-- Returns id, seq, json for each task still pending, in the order handed over.
local ids = redis.call('LRANGE', KEYS[3], 0, -1)
redis.call('DEL', KEYS[3])
local out = {}
for i = 1, #ids do
  local seq = redis.call('ZSCORE', KEYS[2], ids[i])
  local json = redis.call('HGET', KEYS[1], ids[i])
  if seq and json then
    out[#out + 1] = ids[i]
    out[#out + 1] = seq
    out[#out + 1] = json
  end
end
return out

--[[
  A send carrying a nonce, as Telegram's random_id and Discord's
  enforce_nonce work: the first send with a nonce posts the message, a repeat
  within the nonce's lifetime posts nothing and answers the first message's id.
  Every attempt is counted, every message that reached the chat too.

  KEYS[1] nonce (string, PX), KEYS[2] chat stream, KEYS[3] deliveries hash, KEYS[4] attempts hash
  ARGV[1] idempotency key, ARGV[2] chat maxlen, ARGV[3] kind, ARGV[4] payload, ARGV[5] nonce ttl ms
  -> message id
]]
redis.call('HINCRBY', KEYS[4], ARGV[1], 1)
local existing = redis.call('GET', KEYS[1])
if existing then
  return existing
end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'k', ARGV[3], 'p', ARGV[4])
redis.call('SET', KEYS[1], id, 'PX', ARGV[5])
redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
return id

import { LuaScript } from './lua-script';

/*
 * The sliding-window limiter of InMemoryRateLimiter, as Redis scripts over three keys:
 *   slots  ZSET  slot id -> the ms it may start (future slots are waiting requests)
 *   tokens HASH  slot id -> tokens reserved, then settled
 *   state  HASH  last (latest slot), bound (slots at or before it no longer count against the
 *                next admission), sum (their tokens), bind (the limit that set `last`), seq
 * Time is Redis TIME unless a test passes its own (ARGV), so instances with skewed clocks agree.
 */

const PRELUDE = `
local slots, toks, state = KEYS[1], KEYS[2], KEYS[3]
local W = 60000
local function clock(given)
  local n = tonumber(given)
  if n then return n end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function tokensOf(id) return tonumber(redis.call('HGET', toks, id)) or 0 end
`;

/** ARGV: callsPerMinute, tokensPerMinute, maxWaitMs, maxQueue, tokens, now ('' = TIME). */
export const ACQUIRE = new LuaScript(`${PRELUDE}
local cpm, tpm = tonumber(ARGV[1]), tonumber(ARGV[2])
local maxWait, maxQueue, need = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local now = clock(ARGV[6])
local st = redis.call('HMGET', state, 'last', 'bound', 'sum', 'bind')
local last, bound, sum, lastBind = tonumber(st[1]), tonumber(st[2]), tonumber(st[3]), st[4]
if not (last and bound and sum) then
  -- First use, or state lost while slots remain: rebuild it from the slots.
  local top = redis.call('ZRANGE', slots, -1, -1, 'WITHSCORES')
  last = tonumber(top[2]) or now
  bound = last - W
  sum = 0
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', slots, '(' .. bound, '+inf')) do
    sum = sum + tokensOf(id)
  end
end
local function advance(to)
  if to <= bound then return end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', slots, '(' .. bound, to)) do
    sum = sum - tokensOf(id)
  end
  bound = to
end
local at = math.max(now, last)
local bind = 'calls_per_minute'
if at > now and lastBind then bind = lastBind end
advance(at - W)
local old = redis.call('ZRANGEBYSCORE', slots, '-inf', now - W)
for i = 1, #old, 500 do
  redis.call('HDEL', toks, unpack(old, i, math.min(i + 499, #old)))
end
if #old > 0 then redis.call('ZREMRANGEBYSCORE', slots, '-inf', now - W) end
while true do
  local n = redis.call('ZCOUNT', slots, '(' .. bound, '+inf')
  if n == 0 then sum = 0 end
  local callsFull = n + 1 > cpm
  if not callsFull and sum + need <= tpm then break end
  if callsFull then bind = 'calls_per_minute' else bind = 'tokens_per_minute' end
  local first = redis.call('ZRANGEBYSCORE', slots, '(' .. bound, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  at = tonumber(first[2]) + W
  advance(at - W)
end
local wait = at - now
local admit = wait <= maxWait
if admit and wait > 0 then admit = redis.call('ZCOUNT', slots, '(' .. now, '+inf') < maxQueue end
local id = false
if admit then
  id = redis.call('HINCRBY', state, 'seq', 1) .. '@' .. now
  redis.call('ZADD', slots, at, id)
  redis.call('HSET', toks, id, need)
  sum = sum + need
  last = at
  redis.call('HSET', state, 'last', last, 'bind', bind)
end
redis.call('HSET', state, 'bound', bound, 'sum', sum)
local ttl = math.max(last - now, 0) + W + 1000
for _, k in ipairs(KEYS) do redis.call('PEXPIRE', k, ttl) end
return { admit and 1 or 0, wait, bind, id }
`);

/** ARGV: slot id, tokens actually used. Corrects the running sum when the slot still counts. */
export const SETTLE = new LuaScript(`${PRELUDE}
local id, actual = ARGV[1], tonumber(ARGV[2])
local old = tonumber(redis.call('HGET', toks, id))
if not old then return 0 end
redis.call('HSET', toks, id, actual)
local at = tonumber(redis.call('ZSCORE', slots, id))
local st = redis.call('HMGET', state, 'bound', 'sum')
local bound, sum = tonumber(st[1]), tonumber(st[2])
if at and bound and sum and at > bound then
  redis.call('HSET', state, 'sum', math.max(0, sum + actual - old))
end
return 1
`);

/** ARGV: now ('' = TIME). Returns calls and tokens in the window ending now, and waiting slots. */
export const SNAPSHOT = new LuaScript(`${PRELUDE}
local now = clock(ARGV[1])
local ids = redis.call('ZRANGEBYSCORE', slots, '(' .. (now - W), now)
local sum = 0
for _, id in ipairs(ids) do sum = sum + tokensOf(id) end
return { #ids, sum, redis.call('ZCOUNT', slots, '(' .. now, '+inf') }
`);

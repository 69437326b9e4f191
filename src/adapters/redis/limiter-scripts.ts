import { WINDOW_MS } from '../../domain';
import { LuaScript } from './lua-script';

/*
 * The sliding-window limiter of InMemoryRateLimiter, as Redis scripts over three keys:
 *   slots  ZSET  slot id -> the ms it may start (future slots are waiting requests)
 *   tokens HASH  slot id -> tokens reserved, then settled
 *   state  HASH  last (the latest slot), sum (tokens of the slots after last - 60 s, the only
 *                ones a next admission can count), bind (the limit that set `last`), seq
 * A rejection changes nothing but the pruning of slots no window can count.
 * Time is Redis TIME unless a test passes its own (ARGV), so instances with skewed clocks agree.
 */

const PRELUDE = `
-- Redis before 5 replicates scripts verbatim, which forbids writes after TIME.
if redis.replicate_commands then redis.replicate_commands() end
local slots, toks, state = KEYS[1], KEYS[2], KEYS[3]
local W = ${WINDOW_MS}
local function clock(given)
  local n = tonumber(given)
  if n then return n end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function tokensOf(ids)
  local n = 0
  for i = 1, #ids, 500 do
    for _, t in ipairs(redis.call('HMGET', toks, unpack(ids, i, math.min(i + 499, #ids)))) do
      n = n + (tonumber(t) or 0)
    end
  end
  return n
end
`;

/** ARGV: callsPerMinute, tokensPerMinute, maxWaitMs, maxQueue, tokens, now ('' = TIME). */
export const ACQUIRE = new LuaScript(`${PRELUDE}
local cpm, tpm = tonumber(ARGV[1]), tonumber(ARGV[2])
local maxWait, maxQueue, need = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local now = clock(ARGV[6])
local st = redis.call('HMGET', state, 'last', 'sum', 'bind')
local last, sum, lastBind = tonumber(st[1]), tonumber(st[2]), st[3]
if not (last and sum) then
  -- First use, or state lost while slots remain: rebuild it from the slots.
  local top = redis.call('ZRANGE', slots, -1, -1, 'WITHSCORES')
  last = tonumber(top[2]) or now
  sum = tokensOf(redis.call('ZRANGEBYSCORE', slots, '(' .. (last - W), '+inf'))
end
-- Slots no admission window (past last - W) nor status window (past now - W) can hold.
local stale = math.min(now, last) - W
local old = redis.call('ZRANGEBYSCORE', slots, '-inf', stale)
for i = 1, #old, 500 do
  redis.call('HDEL', toks, unpack(old, i, math.min(i + 499, #old)))
end
if #old > 0 then redis.call('ZREMRANGEBYSCORE', slots, '-inf', stale) end
local bound = last - W
local function advance(to)
  if to <= bound then return end
  sum = sum - tokensOf(redis.call('ZRANGEBYSCORE', slots, '(' .. bound, to))
  bound = to
end
local at = math.max(now, last)
local bind = 'calls_per_minute'
if at > now and lastBind then bind = lastBind end
advance(at - W)
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
  -- The stored sum is always that of the slots after last - W.
  id = redis.call('HINCRBY', state, 'seq', 1) .. '@' .. now
  redis.call('ZADD', slots, at, id)
  redis.call('HSET', toks, id, need)
  redis.call('HSET', state, 'last', at, 'sum', sum + need, 'bind', bind)
  for _, k in ipairs(KEYS) do redis.call('PEXPIRE', k, at - now + W + 1000) end
end
return { admit and 1 or 0, wait, bind, id }
`);

/** ARGV: slot id, tokens actually used. Corrects the running sum when the slot still counts. */
export const SETTLE = new LuaScript(`${PRELUDE}
local id, actual = ARGV[1], tonumber(ARGV[2])
local old = tonumber(redis.call('HGET', toks, id))
if not old then return 0 end
redis.call('HSET', toks, id, actual)
local at = tonumber(redis.call('ZSCORE', slots, id))
local st = redis.call('HMGET', state, 'last', 'sum')
local last, sum = tonumber(st[1]), tonumber(st[2])
if at and last and sum and at > last - W then
  redis.call('HSET', state, 'sum', math.max(0, sum + actual - old))
end
return 1
`);

/**
 * ARGV: now ('' = TIME). Returns calls and tokens in the window ending now, and waiting slots:
 * O(calls in the window), at most calls_per_minute, read at most once a second for status.
 */
export const SNAPSHOT = new LuaScript(`${PRELUDE}
local now = clock(ARGV[1])
local ids = redis.call('ZRANGEBYSCORE', slots, '(' .. (now - W), now)
return { #ids, tokensOf(ids), redis.call('ZCOUNT', slots, '(' .. now, '+inf') }
`);

import { LuaScript } from './lua-script';

/*
 * Budgets in Redis. KEYS are one base per budget, all under one hash tag; the tally of a period
 * lives in the hash `<base>:<period start ms>` { spent, reserved }, so the period is found from
 * Redis TIME (or a test's clock in ARGV[1]) inside the script and instances with skewed clocks
 * agree on when a period rolls over. A tally outlives its period by a grace, so a call admitted
 * just before the boundary settles where it was reserved.
 */

const PRELUDE = `
if redis.replicate_commands then redis.replicate_commands() end
local DAY = 86400000
local GRACE = 2 * DAY
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- The day number of the 1st of the month holding day d (civil calendar, H. Hinnant's method).
local function firstOfMonth(d)
  local z = d + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524)
    - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  return d - (doy - math.floor((153 * mp + 2) / 5))
end
-- The period holding now: start and end in ms. 1970-01-01 was a Thursday.
local function window(period)
  local day = math.floor(now / DAY)
  if period == 'day' then return day * DAY, (day + 1) * DAY end
  if period == 'week' then
    local monday = day - ((day + 3) % 7)
    return monday * DAY, (monday + 7) * DAY
  end
  local first = firstOfMonth(day)
  return first * DAY, firstOfMonth(first + 31) * DAY
end
-- The tally of budget i now: key, spent, reserved, period end. A new tally takes the spend
-- recorded before start when it is for the same period.
local function tally(i, period, seedStart, seed)
  local start, finish = window(period)
  local key = KEYS[i] .. ':' .. start
  local t = redis.call('HMGET', key, 'spent', 'reserved')
  local spent, reserved = tonumber(t[1]), tonumber(t[2]) or 0
  if not spent then
    spent = 0
    if tonumber(seedStart) == start then spent = tonumber(seed) end
  end
  return key, spent, reserved, start, finish
end
`;

/**
 * ARGV: now ('' = TIME), nanos, then per budget (as KEYS): period, limit nanos, seed period
 * start, seed nanos. Returns { 1, key… } when reserved against every budget, else
 * { 0, index of the first that does not fit (1-based), retry after ms, period end }.
 */
export const RESERVE = new LuaScript(`${PRELUDE}
local need = tonumber(ARGV[2])
local held = {}
for i = 1, #KEYS do
  local a = 3 + (i - 1) * 4
  local key, spent, reserved, start, finish = tally(i, ARGV[a], ARGV[a + 2], ARGV[a + 3])
  if spent + reserved + need > tonumber(ARGV[a + 1]) then
    return { 0, i, math.max(1, finish - now), finish }
  end
  held[i] = { key, spent, finish }
end
local out = { 1 }
for i, h in ipairs(held) do
  redis.call('HSET', h[1], 'spent', h[2])
  redis.call('HINCRBY', h[1], 'reserved', need)
  redis.call('PEXPIRE', h[1], h[3] - now + GRACE)
  out[i + 1] = h[1]
end
return out
`);

/**
 * KEYS: the tallies a reservation was made in. ARGV: reserved nanos, actual nanos. A tally
 * gone (expired, or Redis lost its data) is left alone. The release is `0 - held`, never
 * `-held`: Lua's -0 goes to Redis as "-0", which HINCRBY refuses as not an integer, so a
 * zero-nanos reservation would fail its settle and take the link down with it.
 */
export const SETTLE = new LuaScript(`
local held, actual = tonumber(ARGV[1]), tonumber(ARGV[2])
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    local left = redis.call('HINCRBY', key, 'reserved', 0 - held)
    if left < 0 then redis.call('HSET', key, 'reserved', 0) end
    redis.call('HINCRBY', key, 'spent', actual)
  end
end
return 1
`);

/**
 * ARGV: now ('' = TIME), then per budget (as KEYS): period, seed period start, seed nanos.
 * Returns per budget { spent, reserved, period end }; reads only.
 */
export const SNAPSHOT = new LuaScript(`${PRELUDE}
local out = {}
for i = 1, #KEYS do
  local a = 2 + (i - 1) * 3
  local _, spent, reserved, _, finish = tally(i, ARGV[a], ARGV[a + 1], ARGV[a + 2])
  out[i] = { spent, reserved, finish }
end
return out
`);

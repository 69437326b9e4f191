import { InMemoryRateLimiter, type RateLimits } from '../src/adapters/in-memory';
import { RedisRateLimiter } from '../src/adapters/redis';
import { SystemClock } from '../src/adapters/system/system-clock';
import type { Permit, RateLimiter } from '../src/ports';
import { benchBudgets } from './budgets';
import { connectBenchRedis, measure, table } from './op-latency';

/**
 * Rate limiter decision latency, in process and through Redis (one Lua script per decision),
 * then the budget check's (see ./budgets.ts).
 * Usage: `npm run bench:limiter -- [ops]`.
 */
const OPEN: RateLimits = {
  callsPerMinute: 1e9,
  tokensPerMinute: 1e15,
  maxWaitMs: 0,
  maxQueue: 1000,
};
const FULL: RateLimits = { ...OPEN, callsPerMinute: 1 };

const admitted = async (l: RateLimiter, tokens = 500): Promise<Permit> =>
  (await l.acquire(tokens))._unsafeUnwrap();

const main = async (): Promise<void> => {
  const ops = Number(process.argv[2] ?? 200_000);
  const clock = new SystemClock();
  const open = new InMemoryRateLimiter(clock, OPEN);
  const full = new InMemoryRateLimiter(clock, FULL);
  await admitted(full);
  const permits: Permit[] = [];
  const rows = [
    await measure('acquire, admitted at once', ops, async () => permits.push(await admitted(open))),
    await measure('settle', ops, (i) => permits[i % permits.length]!.settle(400)),
    await measure('acquire, rejected at once', ops, () => full.acquire(500)),
  ];
  for (const calls of [60, 1000]) {
    const l = new InMemoryRateLimiter(clock, { ...OPEN, callsPerMinute: calls });
    for (let i = 0; i < calls; i++) await admitted(l);
    rows.push(await measure(`snapshot (${calls} calls in the window)`, 20_000, () => l.snapshot()));
  }
  console.log(table(`In process: InMemoryRateLimiter (${ops} ops each)`, rows));

  const link = await connectBenchRedis(clock);
  await benchBudgets(ops, clock, link);
  if (!link) return;
  const n = Math.min(ops, 20_000);
  const prefix = `bench:${process.pid}:`;
  const redisOf = (limits: RateLimits, name: string) =>
    new RedisRateLimiter(link, {
      limits,
      keyPrefix: `${prefix}${name}:`,
      clock,
      fallback: new InMemoryRateLimiter(clock, limits),
    });
  const rOpen = redisOf(OPEN, 'open');
  const rFull = redisOf(FULL, 'full');
  await admitted(rFull);
  const redisRows = [
    await measure('PING, for reference: one round trip', n, () => link.client.ping()),
    await measure('acquire, admitted at once', n, () => admitted(rOpen)),
    await measure('acquire, rejected at once', n, () => rFull.acquire(500)),
  ];
  for (const calls of [60, 1000]) {
    const l = redisOf({ ...OPEN, callsPerMinute: calls }, `snap${calls}`);
    for (let i = 0; i < calls; i++) await admitted(l);
    redisRows.push(
      await measure(`snapshot refresh (${calls} calls in the window)`, 2000, () => l.refresh()),
    );
  }
  console.log(table(`RedisRateLimiter, Redis on loopback (${n} ops each)`, redisRows));

  // Throughput with many callers at once: decisions are serialised inside Redis.
  const concurrent = redisOf(OPEN, 'concurrent');
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      for (let i = 0; i < n / 50; i++) await admitted(concurrent);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`50 concurrent callers: ${Math.round(n / seconds)} decisions/s through Redis\n`);
  const keys = await link.client.keys(`{${prefix}*`);
  if (keys.length > 0) await link.client.del(...keys);
  await link.close();
};

void main();

import { InMemoryCache, ManualClock } from '../src/adapters/in-memory';
import { RedisCache } from '../src/adapters/redis';
import { SystemClock } from '../src/adapters/system/system-clock';
import { cacheKey } from '../src/domain';
import type { CachedAnswer } from '../src/ports';
import { connectBenchRedis, measure, table, type OpLatency } from './op-latency';

/**
 * Cache lookup latency, in process (NFR3: p99 ≤ 20 µs) and through Redis.
 * Usage: `npm run bench:cache -- [ops]`.
 */
const answer = (i: number): CachedAnswer => ({
  text: `answer ${i} `.repeat(40),
  model: 'anthropic/claude-haiku-4.5',
  inputTokens: 120,
  outputTokens: 340,
  costNanos: 1_820_000,
  sourceCallId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
});

const main = async (): Promise<void> => {
  const ops = Number(process.argv[2] ?? 200_000);
  const entries = 10_000;
  const keys = Array.from({ length: entries }, (_, i) =>
    cacheKey({
      model: 'anthropic/claude-haiku-4.5',
      request: { level: 'turn', purpose: 'bench', input: `question ${i}`, temperature: 0 },
    }),
  );
  const clock = new SystemClock();
  const local = new InMemoryCache(clock, { ttlSeconds: 3600, maxEntries: entries });
  keys.forEach((k, i) => local.put(k, answer(i)));
  // Whole requests, to time the key as well: a lookup hashes the request first.
  const requests = (chars: number) =>
    Array.from({ length: 1000 }, (_, i) => ({
      model: 'anthropic/claude-haiku-4.5',
      request: {
        level: 'turn' as const,
        purpose: 'bench',
        system: 'Summarise in one line.',
        input: `${i} `.padEnd(chars, 'x'),
        maxOutputTokens: 256,
      },
    }));
  const [short, long] = [requests(500), requests(2000)];
  short.forEach((r, i) => local.put(cacheKey(r), answer(i)));
  const rows: OpLatency[] = [
    await measure('get, hit (10 000 entries, full)', ops, (i) => local.get(keys[i % entries]!)),
    await measure('get, miss', ops, (i) => local.get(`missing-${i}`)),
    await measure('cacheKey + get, hit (500-char request)', ops / 4, (i) =>
      local.get(cacheKey(short[i % 1000]!)),
    ),
    await measure('cacheKey alone (2 000-char request)', ops / 4, (i) => cacheKey(long[i % 1000]!)),
    await measure('set (evicting the oldest)', ops, (i) => local.set(`new-${i}`, answer(i))),
  ];
  console.log(table(`In process: InMemoryCache (${ops} ops each)`, rows));

  const link = await connectBenchRedis(clock);
  if (!link) return;
  const n = Math.min(ops, 20_000);
  const prefix = `bench:${process.pid}:`;
  const opts = { keyPrefix: prefix, ttlSeconds: 600 };
  const near = new InMemoryCache(clock, { ttlSeconds: 600, maxEntries: entries });
  const twoLevel = new RedisCache(link, near, opts);
  // No local entries: every read goes to Redis.
  const none = new InMemoryCache(new ManualClock(), { ttlSeconds: 600, maxEntries: 0 });
  const remoteOnly = new RedisCache(link, none, opts);
  const redisRows = [
    await measure('PING, for reference: one round trip', n, () => link.client.ping()),
    await measure('set (local + Redis)', n, (i) => twoLevel.set(keys[i % entries]!, answer(i))),
    await measure('get, local hit', n, (i) => twoLevel.get(keys[i % entries]!)),
    await measure('get, Redis hit (local miss)', n, (i) => remoteOnly.get(keys[i % entries]!)),
    await measure('get, miss in both', n, (i) => remoteOnly.get(`missing-${i}`)),
  ];
  console.log(table(`RedisCache over InMemoryCache, Redis on loopback (${n} ops each)`, redisRows));
  const c = link.client;
  for (const k of keys) await c.del(`${prefix}cache:v1:${k}`);
  await link.close();
};

void main();

import { createRedisClient, RedisLink } from '../src/adapters/redis';
import type { Clock } from '../src/ports';

/** One operation's latency distribution, in microseconds. */
export interface OpLatency {
  readonly name: string;
  readonly ops: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Times `op` one call at a time (after a warm-up), so p99 includes the await and the timer
 * read itself (about 0.1 µs here): what a caller awaiting the operation sees.
 */
export const measure = async (
  name: string,
  ops: number,
  op: (i: number) => unknown,
): Promise<OpLatency> => {
  const warm = Math.min(ops, 2000);
  for (let i = 0; i < warm; i++) await op(i);
  const samples = new Float64Array(ops);
  for (let i = 0; i < ops; i++) {
    const t0 = process.hrtime.bigint();
    await op(i);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  samples.sort();
  const at = (q: number) => samples[Math.min(ops - 1, Math.floor(q * ops))]!;
  return { name, ops, p50: at(0.5), p99: at(0.99), max: samples[ops - 1]! };
};

/** A markdown table of results. */
export const table = (title: string, rows: readonly OpLatency[]): string => {
  const f = (us: number) => (us < 10 ? us.toFixed(2) : us.toFixed(1));
  return [
    `#### ${title}`,
    '',
    '| operation | ops | p50 µs | p99 µs | max µs |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${r.ops} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} |`),
    '',
  ].join('\n');
};

/** The Redis to measure against: BENCH_REDIS_URL, TEST_REDIS_URL or local. */
const benchRedisUrl = (): string =>
  process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A connected link to the bench's Redis, or undefined (saying why) when none answers. */
export const connectBenchRedis = async (clock: Clock): Promise<RedisLink | undefined> => {
  const link = new RedisLink(createRedisClient(benchRedisUrl()), clock);
  await link.connect();
  if (link.usable()) return link;
  console.log(`Redis: skipped (${link.status().warning})`);
  await link.close();
  return undefined;
};

import { InMemoryRateLimiter, ManualClock } from '../../src/adapters/in-memory';
import type { RateLimits } from '../../src/domain';
import { createRedisClient, RedisLink, RedisRateLimiter } from '../../src/adapters/redis';
import type { Clock } from '../../src/ports';
import { describeRedis } from '../support/test-redis';

const LIMITS: RateLimits = {
  callsPerMinute: 50,
  tokensPerMinute: 1_000_000,
  maxWaitMs: 0,
  maxQueue: 100,
};

/** The limits hold across instances: one Redis script decides for all, on Redis's clock. */
describeRedis('RedisRateLimiter across instances (Redis TIME)', (redis) => {
  const links: RedisLink[] = [];
  afterAll(() => Promise.all(links.map((l) => l.close())));

  /** One service instance's limiter: its own connection and clock, a shared key prefix. */
  const instance = async (keyPrefix: string, limits = LIMITS, clock: Clock = new ManualClock()) => {
    const link = new RedisLink(createRedisClient(redis.url), clock);
    links.push(link);
    await link.connect();
    const fallback = new InMemoryRateLimiter(clock, limits);
    return new RedisRateLimiter(link, { limits, keyPrefix, clock, fallback });
  };
  const fire = (l: RedisRateLimiter, n: number) =>
    Promise.all(Array.from({ length: n }, () => l.acquire(1)));

  it('admits exactly 50 of 500 simultaneous requests through one instance', async () => {
    const one = await instance(redis.prefix());
    const results = await fire(one, 500);
    expect(results.filter((r) => r.isOk())).toHaveLength(50);
  });

  it('admits exactly 50 of 500 simultaneous requests through two instances together', async () => {
    const prefix = redis.prefix();
    const [a, b] = await Promise.all([instance(prefix), instance(prefix)]);
    const [fromA, fromB] = await Promise.all([fire(a, 250), fire(b, 250)]);
    // Limits kept per instance would admit 100 here.
    expect([...fromA, ...fromB].filter((r) => r.isOk())).toHaveLength(50);
    await a.flush();
    expect(a.snapshot().callsInWindow).toBe(50);
  });

  it('agrees between instances whose clocks are years apart', async () => {
    const prefix = redis.prefix();
    const limits = { ...LIMITS, callsPerMinute: 2 };
    const past = await instance(prefix, limits, new ManualClock(Date.UTC(2020, 0, 1)));
    const future = await instance(prefix, limits, new ManualClock(Date.UTC(2035, 0, 1)));
    expect((await past.acquire(1)).isOk()).toBe(true);
    expect((await future.acquire(1)).isOk()).toBe(true);
    const refused = await past.acquire(1);
    // Both slots were taken moments ago by Redis's clock: the wait is a minute, not years or 0.
    expect(refused._unsafeUnwrapErr().limit).toBe('calls_per_minute');
    expect(refused._unsafeUnwrapErr().retryAfterMs).toBeGreaterThan(50_000);
    expect(refused._unsafeUnwrapErr().retryAfterMs).toBeLessThanOrEqual(60_000);
  });
});

import { once } from 'node:events';
import { InMemoryCache, InMemoryRateLimiter, ManualClock } from '../../src/adapters/in-memory';
import type { RateLimits } from '../../src/domain';
import {
  createRedisClient,
  RedisCache,
  RedisLink,
  RedisRateLimiter,
} from '../../src/adapters/redis';
import { answer } from '../contracts/cache.contract';
import { TcpProxy } from '../support/tcp-proxy';
import { describeRedis } from '../support/test-redis';

const LIMITS: RateLimits = { callsPerMinute: 3, tokensPerMinute: 1000, maxWaitMs: 0, maxQueue: 10 };

/** An outage sends limits and cache to this instance alone, with a warning: never to unlimited. */
describeRedis('Redis outage', (redis) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  const through = async (url: string, keyPrefix: string) => {
    const clock = new ManualClock();
    const link = new RedisLink(createRedisClient(url), clock);
    cleanup.push(() => link.close());
    await link.connect();
    const fallback = new InMemoryRateLimiter(clock, LIMITS);
    const limiter = new RedisRateLimiter(link, { limits: LIMITS, keyPrefix, clock, fallback });
    const local = new InMemoryCache(clock, { ttlSeconds: 60, maxEntries: 10 });
    const cache = new RedisCache(link, local, { keyPrefix, ttlSeconds: 60 });
    return { link, limiter, cache };
  };
  const proxy = async () => {
    const target = new URL(redis.url);
    const p = new TcpProxy(target.hostname, Number(target.port || 6379));
    await p.start();
    cleanup.push(() => p.stop());
    return p;
  };

  it('starts on per-instance limits and cache, with a warning, when Redis never answers', async () => {
    const dead = await proxy();
    await dead.stop();
    const { link, limiter, cache } = await through(dead.url(), redis.prefix());
    expect(link.status()).toMatchObject({ configured: true, connected: false });
    expect(link.status().warning).toMatch(/Redis unreachable .* per instance/);
    const results = await Promise.all([1, 2, 3, 4].map(() => limiter.acquire(1)));
    expect(results.map((r) => r.isOk())).toEqual([true, true, true, false]);
    expect(limiter.snapshot().callsInWindow).toBe(3);
    await cache.set('k', answer('local'));
    expect(await cache.get('k')).toEqual(answer('local'));
  });

  it('falls back when Redis goes away mid-run, and shares limits again once it is back', async () => {
    const p = await proxy();
    const prefix = redis.prefix();
    const a = await through(p.url(), prefix);
    const b = await through(redis.url, prefix);
    expect((await a.limiter.acquire(1)).isOk()).toBe(true);

    const closed = once(a.link.client, 'close');
    await p.stop();
    await closed;
    expect((await a.limiter.acquire(1)).isOk()).toBe(true);
    expect(a.link.status().warning).toMatch(/Redis unreachable/);

    const ready = once(a.link.client, 'ready');
    await p.start();
    await ready;
    expect(a.link.status()).toEqual({ configured: true, connected: true, warning: null });
    // Redis holds a's first call and now b's: a's third is refused, though its fallback had room.
    expect((await b.limiter.acquire(1)).isOk()).toBe(true);
    expect((await a.limiter.acquire(1)).isOk()).toBe(true);
    expect((await a.limiter.acquire(1))._unsafeUnwrapErr().limit).toBe('calls_per_minute');
  }, 20_000);
});

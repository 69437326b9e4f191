import { InMemoryCache, ManualClock } from '../../src/adapters/in-memory';
import { createRedisClient, RedisCache, RedisLink } from '../../src/adapters/redis';
import { answer } from '../contracts/cache.contract';
import { describeRedis } from '../support/test-redis';

/** Entries are shared by every instance, behind each one's own LRU. */
describeRedis('RedisCache across instances', (redis) => {
  const links: RedisLink[] = [];
  afterAll(() => Promise.all(links.map((l) => l.close())));

  const instance = async (keyPrefix: string, clock: ManualClock) => {
    const link = new RedisLink(createRedisClient(redis.url), clock);
    links.push(link);
    await link.connect();
    const local = new InMemoryCache(clock, { ttlSeconds: 60, maxEntries: 100 });
    return new RedisCache(link, local, { keyPrefix, ttlSeconds: 60, clock, time: 'clock' });
  };

  it('serves an entry stored by one instance to another, counting it as a hit there', async () => {
    const prefix = redis.prefix();
    const clock = new ManualClock();
    const [a, b] = [await instance(prefix, clock), await instance(prefix, clock)];
    await a.set('k', answer('shared'));
    expect(await b.get('k')).toEqual(answer('shared'));
    expect(b.stats()).toEqual({ entries: 1, hits: 1, misses: 0 });
  });

  it("keeps another instance's local copy no longer than the shared entry lives", async () => {
    const prefix = redis.prefix();
    const clock = new ManualClock();
    const [a, b] = [await instance(prefix, clock), await instance(prefix, clock)];
    await a.set('k', answer('x'));
    clock.advance(40_000);
    expect(await b.get('k')).toEqual(answer('x'));
    clock.advance(20_000);
    expect(await b.get('k')).toBeUndefined();
  });

  it('treats a malformed shared entry as a miss, never as an answer', async () => {
    const prefix = redis.prefix();
    const clock = new ManualClock();
    const c = await instance(prefix, clock);
    const raw = redis.client();
    const key = `${prefix}cache:v1:bad`;
    await raw.hset(key, 'v', JSON.stringify({ text: 'half an answer' }), 'exp', clock.now() + 1e6);
    expect(await c.get('bad')).toBeUndefined();
    await raw.hset(key, 'v', 'not json', 'exp', clock.now() + 1e6);
    expect(await c.get('bad')).toBeUndefined();
    expect(c.stats().misses).toBe(2);
  });
});

import { InMemoryCache } from '../../src/adapters/in-memory';
import { createRedisClient, RedisCache, RedisLink } from '../../src/adapters/redis';
import { describeRedis } from '../support/test-redis';
import { cacheContract } from './cache.contract';

describeRedis('RedisCache (test clock in the script)', (redis) => {
  const links: RedisLink[] = [];
  afterAll(() => Promise.all(links.map((l) => l.close())));

  // Entries carry their expiry by the test's clock instead of Redis TIME, so TTLs can be stepped.
  cacheContract('RedisCache over InMemoryCache', async (options, clock) => {
    const link = new RedisLink(createRedisClient(redis.url), clock);
    links.push(link);
    await link.connect();
    const local = new InMemoryCache(clock, options);
    const opts = { keyPrefix: redis.prefix(), ttlSeconds: options.ttlSeconds, clock };
    return { cache: new RedisCache(link, local, { ...opts, time: 'clock' }) };
  });
});

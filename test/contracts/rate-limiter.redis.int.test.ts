import { InMemoryRateLimiter } from '../../src/adapters/in-memory';
import { createRedisClient, RedisLink, RedisRateLimiter } from '../../src/adapters/redis';
import { describeRedis } from '../support/test-redis';
import { rateLimiterContract } from './rate-limiter.contract';

describeRedis('RedisRateLimiter (test clock in the script)', (redis) => {
  const links: RedisLink[] = [];
  afterAll(() => Promise.all(links.map((l) => l.close())));

  // The script takes the test's clock instead of Redis TIME, so windows can be stepped through.
  rateLimiterContract(
    'RedisRateLimiter',
    async (limits, clock) => {
      const link = new RedisLink(createRedisClient(redis.url), clock);
      links.push(link);
      await link.connect();
      const limiter = new RedisRateLimiter(link, {
        limits,
        keyPrefix: redis.prefix(),
        clock,
        fallback: new InMemoryRateLimiter(clock, limits),
        time: 'clock',
      });
      return { limiter, sync: () => limiter.flush() };
    },
    100,
  );
});

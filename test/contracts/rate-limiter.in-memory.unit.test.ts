import { InMemoryRateLimiter } from '../../src/adapters/in-memory';
import { rateLimiterContract } from './rate-limiter.contract';

rateLimiterContract(
  'InMemoryRateLimiter',
  async (limits, clock) => ({
    limiter: new InMemoryRateLimiter(clock, limits),
    sync: () => Promise.resolve(),
  }),
  300,
);

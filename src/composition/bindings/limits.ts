import type { Container } from 'inversify';
import { InMemoryCache } from '../../adapters/in-memory/in-memory-cache';
import { InMemoryRateLimiter } from '../../adapters/in-memory/in-memory-rate-limiter';
import type { Cache, Clock, RateLimiter } from '../../ports';
import type { Config } from '../config';
import { TOKENS } from '../tokens';

/** Binds the rate limiter and the cache. */
export const bindLimits = (c: Container): void => {
  c.bind<RateLimiter>(TOKENS.RateLimiter)
    .toDynamicValue(
      (ctx) =>
        new InMemoryRateLimiter(
          ctx.get<Clock>(TOKENS.Clock),
          ctx.get<Config>(TOKENS.Config).openrouter.rateLimits,
        ),
    )
    .inSingletonScope();
  c.bind<Cache>(TOKENS.Cache)
    .toDynamicValue(
      (ctx) =>
        new InMemoryCache(
          ctx.get<Clock>(TOKENS.Clock),
          ctx.get<Config>(TOKENS.Config).openrouter.cache,
        ),
    )
    .inSingletonScope();
};

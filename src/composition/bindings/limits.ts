import type { Container } from 'inversify';
import { InMemoryCache } from '../../adapters/in-memory/in-memory-cache';
import { InMemoryRateLimiter } from '../../adapters/in-memory/in-memory-rate-limiter';
import { createRedisClient, RedisCache, RedisLink, RedisRateLimiter } from '../../adapters/redis';
import type { Cache, Clock, RateLimiter, SharedStore } from '../../ports';
import type { Config } from '../config';
import type { Lifecycle } from '../lifecycle';
import type { Logger } from '../logger';
import { TOKENS } from '../tokens';

/** The Redis connection when `redis.url` is set. */
export interface Shared {
  readonly link?: RedisLink;
}
/** Token of the Redis connection shared by the limiter, the cache and the budgets. */
export const SHARED = Symbol('RedisLink');
const NONE: SharedStore = { status: () => ({ configured: false, connected: null, warning: null }) };

/**
 * Binds the rate limiter and the cache: in process when `redis.url` is empty, else shared by
 * every instance through Redis, each with an in-process fallback for when Redis is unreachable.
 */
export const bindLimits = (c: Container): void => {
  c.bind<Shared>(SHARED)
    .toDynamicValue(async (ctx) => {
      const { url } = ctx.get<Config>(TOKENS.Config).redis;
      if (url === '') return {};
      const logger = ctx.get<Logger>(TOKENS.Logger);
      const link = new RedisLink(createRedisClient(url), ctx.get<Clock>(TOKENS.Clock), (s) => {
        if (s.warning)
          logger.warn({ redis: s }, 'Redis unreachable: limits, budgets and cache are local');
        else logger.info('Redis connected: limits, budgets and cache are shared across instances');
      });
      ctx.get<Lifecycle>(TOKENS.Lifecycle).onClose('redis', () => link.close());
      await link.connect();
      return { link };
    })
    .inSingletonScope();
  c.bind<SharedStore>(TOKENS.SharedStore)
    .toDynamicValue(async (ctx) => (await ctx.getAsync<Shared>(SHARED)).link ?? NONE)
    .inSingletonScope();

  c.bind<RateLimiter>(TOKENS.RateLimiter)
    .toDynamicValue(async (ctx) => {
      const config = ctx.get<Config>(TOKENS.Config);
      const clock = ctx.get<Clock>(TOKENS.Clock);
      const limits = config.openrouter.rateLimits;
      const local = new InMemoryRateLimiter(clock, limits);
      const { link } = await ctx.getAsync<Shared>(SHARED);
      if (!link) return local;
      return new RedisRateLimiter(link, {
        limits,
        keyPrefix: config.redis.keyPrefix,
        clock,
        fallback: local,
      });
    })
    .inSingletonScope();

  c.bind<Cache>(TOKENS.Cache)
    .toDynamicValue(async (ctx) => {
      const config = ctx.get<Config>(TOKENS.Config);
      const options = config.openrouter.cache;
      const local = new InMemoryCache(ctx.get<Clock>(TOKENS.Clock), options);
      const { link } = await ctx.getAsync<Shared>(SHARED);
      if (!link) return local;
      return new RedisCache(link, local, {
        keyPrefix: config.redis.keyPrefix,
        ttlSeconds: options.ttlSeconds,
      });
    })
    .inSingletonScope();
};

import type { Container } from 'inversify';
import { InMemoryCache } from '../../adapters/in-memory/in-memory-cache';
import { InMemoryRateLimiter } from '../../adapters/in-memory/in-memory-rate-limiter';
import { createRedisClient, RedisCache, RedisLink, RedisRateLimiter } from '../../adapters/redis';
import type { SharedStore } from '../../ports';
import { bind, get, getAsync, token, TOKENS } from '../tokens';

/** The Redis connection when `redis.url` is set. */
export interface Shared {
  readonly link?: RedisLink;
}
/** Token of the Redis connection shared by the limiter, the cache and the budgets. */
export const SHARED = token<Shared>('RedisLink');
const NONE: SharedStore = { status: () => ({ configured: false, connected: null, warning: null }) };

/**
 * Binds the rate limiter and the cache: in process when `redis.url` is empty, else shared by
 * every instance through Redis, each with an in-process fallback for when Redis is unreachable.
 */
export const bindLimits = (c: Container): void => {
  bind(c, SHARED)
    .toDynamicValue(async (ctx) => {
      const { url } = get(ctx, TOKENS.Config).redis;
      if (url === '') return {};
      const logger = get(ctx, TOKENS.Logger);
      const link = new RedisLink(createRedisClient(url), get(ctx, TOKENS.Clock), (s) => {
        if (s.warning)
          logger.warn({ redis: s }, 'Redis unreachable: limits, budgets and cache are local');
        else logger.info('Redis connected: limits, budgets and cache are shared across instances');
      });
      get(ctx, TOKENS.Lifecycle).onClose('redis', () => link.close());
      await link.connect();
      return { link };
    })
    .inSingletonScope();
  bind(c, TOKENS.SharedStore)
    .toDynamicValue(async (ctx) => (await getAsync(ctx, SHARED)).link ?? NONE)
    .inSingletonScope();

  bind(c, TOKENS.RateLimiter)
    .toDynamicValue(async (ctx) => {
      const config = get(ctx, TOKENS.Config);
      const clock = get(ctx, TOKENS.Clock);
      const limits = config.openrouter.rateLimits;
      const local = new InMemoryRateLimiter(clock, limits);
      const { link } = await getAsync(ctx, SHARED);
      if (!link) return local;
      return new RedisRateLimiter(link, {
        limits,
        keyPrefix: config.redis.keyPrefix,
        clock,
        fallback: local,
      });
    })
    .inSingletonScope();

  bind(c, TOKENS.Cache)
    .toDynamicValue(async (ctx) => {
      const config = get(ctx, TOKENS.Config);
      const options = config.openrouter.cache;
      const local = new InMemoryCache(get(ctx, TOKENS.Clock), options);
      const { link } = await getAsync(ctx, SHARED);
      if (!link) return local;
      return new RedisCache(link, local, {
        keyPrefix: config.redis.keyPrefix,
        ttlSeconds: options.ttlSeconds,
      });
    })
    .inSingletonScope();
};

import type { Container } from 'inversify';
import { KeyDirectory, KeyLimiters, makeKeyAdmin } from '../../application';
import { InMemoryRateLimiter } from '../../adapters/in-memory/in-memory-rate-limiter';
import { RedisRateLimiter } from '../../adapters/redis';
import { bind, get, getAsync, TOKENS } from '../tokens';
import { SHARED } from './limits';

/** How often each instance checks the keys' version: a lost notification is caught within it. */
export const KEY_POLL_MS = 500;
/** How often each instance writes when its keys were last used. */
export const KEY_TOUCH_FLUSH_MS = 5_000;

/**
 * Binds the consumer keys: this instance's copy (loaded before the service answers, then kept
 * current by notifications and polling), their administration, and each key's own rate limiter,
 * made like the global one (in process, or shared through Redis with an in-process fallback).
 */
export const bindKeys = (c: Container): void => {
  bind(c, TOKENS.KeyDirectory)
    .toDynamicValue(async (ctx) => {
      const logger = get(ctx, TOKENS.Logger);
      let failing = false;
      const directory = new KeyDirectory(
        await getAsync(ctx, TOKENS.KeyStore),
        get(ctx, TOKENS.Clock),
        {
          pollMs: KEY_POLL_MS,
          touchFlushMs: KEY_TOUCH_FLUSH_MS,
          onError: (e) => {
            // Once per outage: the poll runs twice a second.
            if (!failing)
              logger.warn({ err: e }, 'keys could not be read: the last ones stay in force');
            failing = true;
          },
        },
      );
      await directory.refresh(true);
      const stop = directory.start();
      get(ctx, TOKENS.Lifecycle).onClose('key directory', stop);
      return directory;
    })
    .inSingletonScope();
  bind(c, TOKENS.KeyAdmin)
    .toDynamicValue(async (ctx) =>
      makeKeyAdmin({
        store: await getAsync(ctx, TOKENS.KeyStore),
        clock: get(ctx, TOKENS.Clock),
        newId: get(ctx, TOKENS.NewId),
        directory: await getAsync(ctx, TOKENS.KeyDirectory),
      }),
    )
    .inSingletonScope();
  bind(c, TOKENS.KeyLimiters)
    .toDynamicValue(async (ctx) => {
      const config = get(ctx, TOKENS.Config);
      const clock = get(ctx, TOKENS.Clock);
      const { maxWaitMs, maxQueue } = config.openrouter.rateLimits;
      const { link } = await getAsync(ctx, SHARED);
      return new KeyLimiters((keyId, own) => {
        const limits = { ...own, maxWaitMs, maxQueue };
        const local = new InMemoryRateLimiter(clock, limits);
        if (!link) return local;
        return new RedisRateLimiter(link, {
          limits,
          keyPrefix: `${config.redis.keyPrefix}key:${keyId}:`,
          clock,
          fallback: local,
        });
      });
    })
    .inSingletonScope();
};

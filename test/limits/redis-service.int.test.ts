import { createInferenceService, type InferenceRequest } from '../../src';
import { InMemoryGateway } from '../../src/adapters/in-memory';
import { Redis } from 'ioredis';
import { describeRedis } from '../support/test-redis';
import { waitFor } from '../support/wait-for';

/** Two service instances on one Redis share their limits and their cache (`redis.url` set). */
describeRedis('service instances sharing Redis', (redis) => {
  const instance = (url: string, keyPrefix: string, gateway = new InMemoryGateway()) =>
    createInferenceService({
      config: {
        openrouter: {
          api_key: 'sk-or-test',
          rate_limits: { calls_per_minute: 3, max_wait_ms: 0 },
        },
        redis: { url, key_prefix: keyPrefix },
      },
      env: {},
      memory: true,
      gateway,
      background: false,
    });
  const turn = (input: string): InferenceRequest => ({ level: 'turn', purpose: 'p', input });

  it('shares cache entries and rate limits, and says so in status', async () => {
    const prefix = redis.prefix();
    const [ga, gb] = [new InMemoryGateway(), new InMemoryGateway()];
    const a = await instance(redis.url, prefix, ga);
    const b = await instance(redis.url, prefix, gb);
    const peek = new Redis(redis.url);
    try {
      expect((await a.infer(turn('q')))._unsafeUnwrap().cached).toBe(false);
      // The answer is not held back for the cache write, so it lands in Redis a moment later.
      await waitFor(
        async () => ((await peek.keys(`${prefix}cache:v1:*`)).length > 0 ? true : undefined),
        5000,
        { everyMs: 5 },
      );
      expect((await b.infer(turn('q')))._unsafeUnwrap().cached).toBe(true);
      expect(gb.received).toHaveLength(0);
      expect((await b.infer(turn('r'))).isOk()).toBe(true);
      expect((await a.infer(turn('s'))).isOk()).toBe(true);
      const refused = (await b.infer(turn('t')))._unsafeUnwrapErr();
      expect(refused).toMatchObject({ code: 'rate_limited', limit: 'calls_per_minute' });
      expect((await a.status()).redis).toEqual({
        configured: true,
        connected: true,
        warning: null,
      });
    } finally {
      peek.disconnect();
      await a.close();
      await b.close();
    }
  });

  it('serves with per-instance limits and a status warning when Redis does not answer', async () => {
    const svc = await instance('redis://127.0.0.1:1', redis.prefix());
    try {
      const status = await svc.status();
      expect(status.enabled).toBe(true);
      expect(status.redis.connected).toBe(false);
      expect(status.redis.warning).toMatch(/Redis unreachable/);
      const results = await Promise.all(['1', '2', '3', '4'].map((q) => svc.infer(turn(q))));
      expect(results.map((r) => r.isOk())).toEqual([true, true, true, false]);
    } finally {
      await svc.close();
    }
  });
});

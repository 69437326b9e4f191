import { createInferenceService, type InferenceRequest } from '../../src';
import { InMemoryGateway } from '../../src/adapters/in-memory';
import { describeRedis } from '../support/test-redis';

const HAIKU = 'anthropic/claude-haiku-4.5';
const turn = (input: string): InferenceRequest => ({
  level: 'turn',
  purpose: 'p',
  input,
  maxOutputTokens: 100,
});

/** Status right after calls settle, with the budgets shared through Redis. */
describeRedis('budget spend in status, shared through Redis', (redis) => {
  const instance = (prefix: string, gateway: InMemoryGateway) =>
    createInferenceService({
      config: {
        openrouter: { api_key: 'sk-or-test', pricing: { [HAIKU]: { input: 1, output: 5 } } },
        budgets: [{ name: 'daily', period: 'day', limit_usd: 10 }],
        redis: { url: redis.url, key_prefix: prefix },
      },
      env: {},
      memory: true,
      gateway,
      background: false,
    });

  it('shows every call settled before the read, on this instance and on another', async () => {
    const prefix = redis.prefix();
    // 100,000 × $1/M + 20,000 × $5/M = $0.20 computed; OpenRouter reports $0.22.
    const answer = { inputTokens: 100_000, outputTokens: 20_000, reportedCostUsd: 0.22 };
    const a = await instance(prefix, new InMemoryGateway().enqueue(answer, answer));
    const b = await instance(prefix, new InMemoryGateway());
    try {
      await b.status(); // b's snapshot is fresh now, and would stay so for a while
      expect((await a.infer(turn('one'))).isOk()).toBe(true);
      expect((await a.infer(turn('two'))).isOk()).toBe(true);
      // At once: the reported cost, not the one our prices give ($0.40).
      for (const s of [a, b]) {
        expect((await s.status()).budgets[0]).toMatchObject({ spentUsd: 0.44, reservedUsd: 0 });
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

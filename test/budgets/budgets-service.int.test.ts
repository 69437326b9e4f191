import { createInferenceService, type InferenceRequest } from '../../src';
import { InMemoryGateway, ManualClock } from '../../src/adapters/in-memory';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const HAIKU = 'anthropic/claude-haiku-4.5';
/** 2026-03-11T09:00:00Z, a Wednesday. */
const T0 = Date.UTC(2026, 2, 11, 9);
const turn = (input: string): InferenceRequest => ({
  level: 'turn',
  purpose: 'p',
  input,
  maxOutputTokens: 100,
});

describe('budgets through the service, over PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const start = (clock: ManualClock, limitUsd: number) =>
    createInferenceService({
      config: {
        database: { url: db.url },
        openrouter: { api_key: 'sk-or-test', pricing: { [HAIKU]: { input: 1, output: 5 } } },
        budgets: [
          { name: 'daily', period: 'day', limit_usd: limitUsd },
          { name: 'task-week', period: 'week', limit_usd: 1, level: 'task' },
        ],
      },
      env: {},
      gateway: new InMemoryGateway().enqueue(
        { inputTokens: 100_000, outputTokens: 20_000 },
        { inputTokens: 100_000, outputTokens: 20_000 },
      ),
      clock,
      background: false,
    });

  it('a restart mid-period keeps the spend recorded before it; the next period starts from 0', async () => {
    const clock = new ManualClock(T0);
    const first = await start(clock, 1);
    // Each call costs 100,000 × $1/M + 20,000 × $5/M = $0.20.
    expect((await first.infer(turn('one')))._unsafeUnwrap().costUsd).toBe(0.2);
    expect((await first.infer(turn('two')))._unsafeUnwrap().costUsd).toBe(0.2);
    await first.close();

    clock.advance(3_600_000);
    const second = await start(clock, 0.4);
    try {
      const [daily, taskWeek] = (await second.status()).budgets;
      expect(daily).toMatchObject({
        name: 'daily',
        spentUsd: 0.4,
        reservedUsd: 0,
        remainingUsd: 0,
      });
      expect(taskWeek).toMatchObject({ name: 'task-week', spentUsd: 0 });
      // Usage shows the same spend against each budget, whatever its window.
      const usage = (await second.usage({ since: '2026-03-11T00:00:00Z' }))._unsafeUnwrap();
      expect(usage.costUsd).toBe(0.4);
      expect((usage as { budgets?: unknown }).budgets).toEqual((await second.status()).budgets);
      const refused = (await second.infer(turn('three')))._unsafeUnwrapErr();
      expect(refused).toMatchObject({ code: 'budget_exceeded', budget: 'daily' });
      expect(refused.code === 'budget_exceeded' && refused.retryAfterMs).toBe(
        Date.UTC(2026, 2, 12) - clock.now(),
      );
    } finally {
      await second.close();
    }

    clock.advance(24 * 3_600_000);
    const third = await start(clock, 0.4);
    try {
      expect((await third.status()).budgets[0]).toMatchObject({ spentUsd: 0, remainingUsd: 0.4 });
      expect((await third.infer(turn('four'))).isOk()).toBe(true);
    } finally {
      await third.close();
    }
  });

  it("a key's own budget keeps the spend recorded before a restart too", async () => {
    const clock = new ManualClock(T0 + 2 * 86_400_000);
    const first = await start(clock, 100);
    const issued = (
      await first.keys.issue({
        name: 'k',
        scopes: ['infer'],
        budgets: [{ period: 'day', limitUsd: 0.5 }],
      })
    )._unsafeUnwrap();
    const checked = first.keyring.verify(issued.key);
    if (!checked.ok) throw new Error('the key does not verify');
    expect((await first.infer(turn('keyed'), undefined, checked.consumer)).isOk()).toBe(true);
    await first.close();

    clock.advance(3_600_000);
    const second = await start(clock, 100);
    try {
      const own = (await second.status()).budgets.find((b) => b.keyId === issued.view.id);
      expect(own).toMatchObject({
        name: `key:${issued.view.id}:day`,
        spentUsd: 0.2,
        reservedUsd: 0,
      });
    } finally {
      await second.close();
    }
  });
});

describe('budgets when Redis does not answer', () => {
  it('hold per instance and status says so', async () => {
    const gateway = new InMemoryGateway().hold();
    const svc = await createInferenceService({
      config: {
        openrouter: { api_key: 'sk-or-test', pricing: { [HAIKU]: { input: 1, output: 5 } } },
        // Worst case of one call: 1 input token + 100 output tokens = $0.000501: two fit.
        budgets: [{ name: 'tiny', period: 'day', limit_usd: 0.0011 }],
        redis: { url: 'redis://127.0.0.1:1', key_prefix: 'budget-outage:' },
      },
      env: {},
      memory: true,
      gateway,
      clock: new ManualClock(T0),
      background: false,
    });
    try {
      const status = await svc.status();
      expect(status.redis.warning).toMatch(/rate limits, budgets and cache hold per instance/);
      const calls = ['a', 'b', 'c'].map((q) => svc.infer(turn(q)));
      const third = (await calls[2]!)._unsafeUnwrapErr();
      expect(third).toMatchObject({ code: 'budget_exceeded', budget: 'tiny' });
      expect((await svc.status()).budgets[0]).toMatchObject({ reservedUsd: 0.001002 });
      gateway.release();
      const costs = await Promise.all(
        calls.slice(0, 2).map(async (c) => (await c)._unsafeUnwrap().costUsd),
      );
      const [tiny] = (await svc.status()).budgets;
      expect(tiny).toMatchObject({ reservedUsd: 0, spentUsd: costs[0]! + costs[1]! });
    } finally {
      gateway.release();
      await svc.close();
    }
  });
});

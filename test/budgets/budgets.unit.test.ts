import {
  InMemoryBudgetLedger,
  InMemoryCache,
  InMemoryEventStore,
  InMemoryGateway,
  InMemoryRateLimiter,
  ManualClock,
} from '../../src/adapters/in-memory';
import { AjvSchemaValidator } from '../../src/adapters/json-schema';
import { BudgetGate, makeRunInference, PriceBook } from '../../src/application';
import { inferenceError, type Budget } from '../../src/domain';
import { MODELS, T0, WORST_NANOS } from './budget-fixtures';

const SETTINGS = {
  models: MODELS,
  fallbacks: {},
  allowedModels: [],
  repairAttempts: 1,
  maxInputChars: 10_000,
  cacheEnabled: true,
  apiKeyConfigured: true,
};

const setup = (
  budgets: Budget[],
  prices = new PriceBook({ 'm/light': { input: 1, output: 5 } }),
) => {
  const clock = new ManualClock(T0);
  const store = new InMemoryEventStore();
  const gateway = new InMemoryGateway();
  const ledger = new InMemoryBudgetLedger(clock, budgets);
  let n = 0;
  const run = makeRunInference({
    gateway,
    log: store,
    cache: new InMemoryCache(clock, { ttlSeconds: 3600, maxEntries: 100 }),
    limiter: new InMemoryRateLimiter(clock, {
      callsPerMinute: 1000,
      tokensPerMinute: 10_000_000,
      maxWaitMs: 0,
      maxQueue: 10,
    }),
    clock,
    publisher: { publish: () => undefined },
    prices,
    newId: () => `id-${++n}`,
    budgets: new BudgetGate(ledger, prices),
    schemas: new AjvSchemaValidator(),
    settings: SETTINGS,
  });
  const state = (name: string) => ledger.snapshot().find((s) => s.budget.name === name)!;
  return { clock, store, gateway, ledger, run, state };
};

const req = (i: number, extra: Record<string, unknown> = {}) => ({
  level: 'turn',
  purpose: 'p',
  input: `${String(i).padStart(4, '0')}${'x'.repeat(396)}`,
  maxOutputTokens: 1000,
  ...extra,
});
const tick = () => new Promise((r) => setImmediate(r));

describe('budgets in runInference', () => {
  it('of 3N concurrent calls where exactly N fit, admits exactly N; the rest are 429 budget_exceeded, recorded', async () => {
    const n = 10;
    const t = setup([{ name: 'daily', period: 'day', limitUsd: (n * WORST_NANOS) / 1e9 }]);
    t.gateway.hold();
    const all = Promise.all(Array.from({ length: 3 * n }, (_, i) => t.run(req(i))));
    await tick();
    expect(t.gateway.received).toHaveLength(n);
    expect(t.state('daily')).toMatchObject({ reservedNanos: n * WORST_NANOS, spentNanos: 0 });
    t.gateway.release();
    const results = await all;
    const refused = results.filter((r) => r.isErr()).map((r) => r._unsafeUnwrapErr());
    expect(refused).toHaveLength(2 * n);
    for (const e of refused) {
      expect(e).toMatchObject({
        code: 'budget_exceeded',
        budget: 'daily',
        retryAfterMs: 2 * 3_600_000,
      });
    }
    const costs = results.filter((r) => r.isOk()).map((r) => r._unsafeUnwrap().costUsd);
    const spent = costs.reduce((a, c) => a + Math.round(c * 1e9), 0);
    expect(spent).toBeGreaterThan(0);
    expect(t.state('daily')).toMatchObject({ reservedNanos: 0, spentNanos: spent });
    const usage = await t.store.usage({});
    expect(usage).toMatchObject({ totalCalls: 3 * n, rateLimitedCalls: 2 * n, succeededCalls: n });
    const page = await t.store.list({ limit: 100, status: 'rate_limited' });
    expect(page.calls).toHaveLength(2 * n);
    expect(page.calls[0]?.errorMessage).toMatch(
      /^budget_exceeded: budget daily, retry after 7200000 ms/,
    );
  });

  it('cache hits and coalesced callers reserve nothing', async () => {
    const t = setup([{ name: 'one', period: 'day', limitUsd: WORST_NANOS / 1e9 }]);
    t.gateway.hold();
    const leader = t.run(req(1));
    const follower = t.run(req(1));
    await tick();
    t.gateway.release();
    expect((await leader).isOk()).toBe(true);
    expect((await follower)._unsafeUnwrap().cached).toBe(true);
    // What is left cannot take another worst case, yet a hit still answers.
    expect((await t.run(req(2)))._unsafeUnwrapErr().code).toBe('budget_exceeded');
    expect((await t.run(req(1)))._unsafeUnwrap().cached).toBe(true);
  });

  it('a failed call settles to what it cost (nothing), freeing its reservation', async () => {
    const t = setup([{ name: 'one', period: 'day', limitUsd: WORST_NANOS / 1e9 }]);
    t.gateway.enqueue(
      inferenceError('upstream_error', 'HTTP 400', { attempts: 1, upstreamStatus: 400 }),
    );
    expect((await t.run(req(1)))._unsafeUnwrapErr().code).toBe('upstream_error');
    expect(t.state('one')).toMatchObject({ reservedNanos: 0, spentNanos: 0 });
    expect((await t.run(req(2))).isOk()).toBe(true);
  });

  it('a call that fails after paid attempts settles to what they cost', async () => {
    const t = setup([{ name: 'daily', period: 'day', limitUsd: 1 }]);
    // Structured output: invalid JSON twice (the answer and its one repair), both billed.
    t.gateway.enqueue(
      { text: 'not json', inputTokens: 1000, outputTokens: 200 },
      { text: 'still not', inputTokens: 1500, outputTokens: 100 },
    );
    const r = await t.run(req(1, { responseFormat: { type: 'json' } }));
    expect(r._unsafeUnwrapErr().code).toBe('invalid_output');
    // (1000 + 1500) × $1/M + (200 + 100) × $5/M = $0.004.
    expect(t.state('daily')).toMatchObject({ reservedNanos: 0, spentNanos: 4_000_000 });
    expect((await t.store.usage({})).costUsd).toBe(0.004);
  });

  it('a rate-limited call gives its budget reservation back', async () => {
    const clock = new ManualClock(T0);
    const ledger = new InMemoryBudgetLedger(clock, [{ name: 'd', period: 'day', limitUsd: 1 }]);
    const prices = new PriceBook({ 'm/light': { input: 1, output: 5 } });
    const store = new InMemoryEventStore();
    const run = makeRunInference({
      gateway: new InMemoryGateway(),
      log: store,
      cache: new InMemoryCache(clock, { ttlSeconds: 60, maxEntries: 10 }),
      limiter: new InMemoryRateLimiter(clock, {
        callsPerMinute: 1,
        tokensPerMinute: 1e7,
        maxWaitMs: 0,
        maxQueue: 0,
      }),
      clock,
      publisher: { publish: () => undefined },
      prices,
      newId: (() => {
        let i = 0;
        return () => `c${++i}`;
      })(),
      budgets: new BudgetGate(ledger, prices),
      schemas: new AjvSchemaValidator(),
      settings: SETTINGS,
    });
    await run(req(1));
    expect((await run(req(2)))._unsafeUnwrapErr().code).toBe('rate_limited');
    expect(ledger.snapshot()[0]).toMatchObject({ reservedNanos: 0 });
  });

  it('rolls over at midnight UTC: refused until then, admitted after; status shows the new period', async () => {
    const t = setup([{ name: 'daily', period: 'day', limitUsd: WORST_NANOS / 1e9 }]);
    t.gateway.hold();
    const first = t.run(req(1));
    await tick();
    const refused = (await t.run(req(2)))._unsafeUnwrapErr();
    expect(refused.code === 'budget_exceeded' && refused.retryAfterMs).toBe(2 * 3_600_000);
    expect(refused.detail).toMatch(/budget daily: .* resets at 2026-01-08T00:00:00.000Z/);
    t.gateway.release();
    await first;
    t.clock.advance(2 * 3_600_000 - 1);
    const again = (await t.run(req(3)))._unsafeUnwrapErr();
    expect(again.code === 'budget_exceeded' && again.retryAfterMs).toBe(1);
    t.clock.advance(1);
    expect((await t.run(req(4))).isOk()).toBe(true);
  });
});

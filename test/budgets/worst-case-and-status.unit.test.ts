import {
  InMemoryBudgetLedger,
  InMemoryCache,
  InMemoryEventStore,
  InMemoryGateway,
  InMemoryRateLimiter,
  ManualClock,
} from '../../src/adapters/in-memory';
import { BudgetGate, makeGetStatus, PriceBook } from '../../src/application';
import { UNOBSERVED } from '../../src/application/run-inference/call';
import type { Budget } from '../../src/domain';
import { succeeded } from '../contracts/fixtures';
import { MODELS, T0, WORST_NANOS } from './budget-fixtures';

describe('BudgetGate.worstCase', () => {
  it('reserves the worst case: published maximum, else 16,384; dearest fallback; every repair', () => {
    const prices = new PriceBook({
      'm/light': { input: 1, output: 5 },
      'm/heavy': { input: 3, output: 15 },
    });
    const gate = new BudgetGate(new InMemoryBudgetLedger(new ManualClock(T0), []), prices, 1);
    const call = (maxOutputTokens?: number, fallbacks?: string[], structured = false) => ({
      req: { level: 'turn' as const, purpose: 'p', input: 'x'.repeat(400), maxOutputTokens },
      upstream: { model: 'm/light', fallbacks, messages: [] },
      check: structured ? ({} as never) : undefined,
      facts: { model: 'm/light' } as never,
      startedAt: 0,
      key: null,
      observer: UNOBSERVED,
    });
    expect(gate.worstCase(call(1000))).toBe(WORST_NANOS);
    expect(gate.worstCase(call())).toBe(100 * 1000 + 16_384 * 5000);
    expect(gate.worstCase(call(1000, ['m/heavy']))).toBe(100 * 3000 + 1000 * 15_000);
    expect(gate.worstCase(call(1000, [], true))).toBe(2 * WORST_NANOS);
    prices.setFetched({ 'm/light': { input: 0.5, output: 4, maxCompletionTokens: 64_000 } });
    expect(gate.worstCase(call())).toBe(100 * 1000 + 64_000 * 5000);
    // The highest price known per token kind: configured input, published output here.
    prices.setFetched({ 'm/light': { input: 0.5, output: 9, maxCompletionTokens: 64_000 } });
    expect(gate.worstCase(call())).toBe(100 * 1000 + 64_000 * 9000);
  });

  it('settles to the cost OpenRouter reported, and raises later worst cases by what it charged over ours', () => {
    const prices = new PriceBook({ 'm/light': { input: 1, output: 5 } });
    const ledger = new InMemoryBudgetLedger(new ManualClock(T0), [
      { name: 'daily', period: 'day', limitUsd: 1 },
    ]);
    const gate = new BudgetGate(ledger, prices);
    const call = {
      req: { level: 'turn' as const, purpose: 'p', input: 'x'.repeat(400), maxOutputTokens: 1000 },
      upstream: { model: 'm/light', messages: [] },
      check: undefined,
      facts: { model: 'm/light', level: 'turn', projectId: null, callId: 'c-1' } as never,
      startedAt: 0,
      key: null,
      observer: UNOBSERVED,
    };
    return gate
      .reserve(call)
      .map(() => {
        expect(ledger.snapshot()[0]!.reservedNanos).toBe(WORST_NANOS);
        // Our prices say 100,000 nano-USD; OpenRouter charged 10% more.
        gate.settle(
          succeeded({
            at: T0,
            callId: 'c-1',
            model: 'm/light',
            costNanos: 100_000,
            reportedCostNanos: 110_000,
          }),
        );
        expect(ledger.snapshot()[0]).toMatchObject({ spentNanos: 110_000, reservedNanos: 0 });
        expect(gate.worstCase(call)).toBe(Math.round(WORST_NANOS * 1.1));
        // Without a reported cost, the computed one counts.
        gate.settle(
          succeeded({ at: T0, callId: 'c-2', model: 'm/light', reportedCostNanos: null }),
        );
      })
      .match(
        () => undefined,
        (e) => {
          throw new Error(e.detail);
        },
      );
  });
});

describe('status.budgets', () => {
  it('lists every budget in its current period, in USD', async () => {
    const clock = new ManualClock(T0);
    const budgets: Budget[] = [
      { name: 'daily', period: 'day', limitUsd: 2 },
      { name: 'proj', period: 'month', limitUsd: 50, projectId: 'x', level: 'task' },
    ];
    const recorded = new Map([
      ['daily', { periodStart: Date.UTC(2026, 0, 7), nanos: 500_000_000 }],
    ]);
    const ledger = new InMemoryBudgetLedger(clock, budgets, recorded);
    void ledger.reserve({ level: 'turn', projectId: null, nanos: 250_000_000 });
    const status = await makeGetStatus({
      settings: {
        baseUrl: 'http://x',
        apiKeyConfigured: true,
        models: MODELS,
        rateLimits: { callsPerMinute: 1, tokensPerMinute: 1, maxWaitMs: 0 },
        cache: { enabled: true, ttlSeconds: 1, maxEntries: 1 },
        retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      },
      health: { latest: () => undefined } as never,
      gateway: new InMemoryGateway(),
      limiter: new InMemoryRateLimiter(clock, {
        callsPerMinute: 1,
        tokensPerMinute: 1,
        maxWaitMs: 0,
        maxQueue: 0,
      }),
      cache: new InMemoryCache(clock, { ttlSeconds: 1, maxEntries: 1 }),
      log: new InMemoryEventStore(),
      prices: new PriceBook({}),
      budgets: ledger,
    })();
    expect(status.budgets).toEqual([
      {
        name: 'daily',
        period: 'day',
        level: null,
        projectId: null,
        keyId: null,
        limitUsd: 2,
        spentUsd: 0.5,
        reservedUsd: 0.25,
        remainingUsd: 1.25,
        resetsAt: '2026-01-08T00:00:00.000Z',
      },
      {
        name: 'proj',
        period: 'month',
        level: 'task',
        projectId: 'x',
        keyId: null,
        limitUsd: 50,
        spentUsd: 0,
        reservedUsd: 0,
        remainingUsd: 50,
        resetsAt: '2026-02-01T00:00:00.000Z',
      },
    ]);
  });
});

import fc from 'fast-check';
import { project, usageProjection } from '../../src/application';
import { matchesQuery, usageReport, type InferenceEvent, type UsageQuery } from '../../src/domain';
import {
  cached,
  DAY,
  failed,
  HOUR,
  MIN,
  rateLimited,
  succeeded,
  T0,
  freshSubjectEachTest,
  type EventStoreSubject,
  type SubjectFactory,
} from './fixtures';

const HAIKU = 'anthropic/claude-haiku-4.5';
const SONNET = 'anthropic/claude-sonnet-4.5';

/** The usage a query should report, folded straight from the events (the oracle). */
export const expectedUsage = (events: readonly InferenceEvent[], q: UsageQuery) => {
  const rows = [...project(usageProjection, events).values()].filter((r) => matchesQuery(r.key, q));
  return usageReport(
    rows.map((r) => ({ level: r.key.level, model: r.key.model, counters: r.counters })),
    q,
  );
};

/** The UsageReadModel port's contract: totals, breakdowns and filters, exact money. */
export const usageReadModelContract = (name: string, make: SubjectFactory): void => {
  describe(`UsageReadModel contract: ${name}`, () => {
    let s!: EventStoreSubject;
    freshSubjectEachTest(make, (subject) => (s = subject));

    const day = [
      succeeded({ at: T0 + 5 * MIN, costNanos: 1, reportedCostNanos: 2, projectId: 'p-1' }),
      succeeded({ at: T0 + HOUR, level: 'project', model: SONNET, costNanos: 250_000_000 }),
      failed({ at: T0 + 2 * HOUR, level: 'project', model: SONNET, projectId: 'p-1' }),
      cached({ at: T0 + 3 * HOUR, savedNanos: 1, inputTokens: 9, outputTokens: 9 }),
      rateLimited({ at: T0 + DAY + MIN, projectId: 'p-2' }),
    ];

    it('answers totals, per-level and per-model figures', async () => {
      await s.log.append(day);
      const u = await s.usage.usage({});
      expect(u).toMatchObject({
        window: { since: null, until: null },
        totalCalls: 5,
        succeededCalls: 2,
        failedCalls: 1,
        cachedCalls: 1,
        rateLimitedCalls: 1,
        inputTokens: 200,
        outputTokens: 40,
        costUsd: 0.250000001,
        reportedCostUsd: 0.000210002,
        savedByCacheUsd: 0.000000001,
      });
      expect(u.byLevel).toEqual({
        turn: {
          calls: 3,
          failedCalls: 0,
          cachedCalls: 1,
          inputTokens: 100,
          outputTokens: 20,
          costUsd: 0.000000001,
        },
        project: {
          calls: 2,
          failedCalls: 1,
          cachedCalls: 0,
          inputTokens: 100,
          outputTokens: 20,
          costUsd: 0.25,
        },
      });
      expect(Object.keys(u.byModel).sort()).toEqual([HAIKU, SONNET]);
      expect(u.byModel[SONNET]).toEqual(u.byLevel.project);
    });

    it('filters by project, level and window, widening the window to whole minutes', async () => {
      await s.log.append(day);
      expect((await s.usage.usage({ projectId: 'p-1' })).totalCalls).toBe(2);
      expect((await s.usage.usage({ projectId: 'p-9' })).totalCalls).toBe(0);
      expect((await s.usage.usage({ level: 'project' })).failedCalls).toBe(1);
      const u = await s.usage.usage({ since: T0 + 5 * MIN + 30_000, until: T0 + HOUR + 1 });
      expect(u.window).toEqual({
        since: new Date(T0 + 5 * MIN).toISOString(),
        until: new Date(T0 + HOUR + MIN).toISOString(),
      });
      expect(u.totalCalls).toBe(2);
      expect((await s.usage.usage({ since: T0 + DAY })).rateLimitedCalls).toBe(1);
      expect((await s.usage.usage({ until: T0 + DAY })).totalCalls).toBe(4);
      expect((await s.usage.usage({ since: T0 + DAY, until: T0 + DAY })).totalCalls).toBe(0);
    });

    it('sums reasoning tokens, and what a failed call that reached upstream spent', async () => {
      const ok = succeeded({ outputTokens: 20 });
      const bad = failed({ at: T0 + DAY + HOUR });
      await s.log.append([
        { ...ok, data: { ...ok.data, reasoningTokens: 7 } } as InferenceEvent,
        {
          ...bad,
          data: {
            ...bad.data,
            inputTokens: 9,
            outputTokens: 4,
            reasoningTokens: 2,
            costNanos: 500,
          },
        } as InferenceEvent,
        succeeded({ at: T0 + 3 * DAY }),
      ]);
      const u = await s.usage.usage({ since: T0 - DAY, until: T0 + 10 * DAY });
      expect(u).toMatchObject({ reasoningTokens: 9, failedCalls: 1 });
      expect(u.inputTokens).toBe(100 + 9 + 100);
      expect(u.costUsd).toBeCloseTo((200_000 + 500 + 200_000) / 1e9, 9);
    });

    it('filters by a project id holding a NUL character', async () => {
      await s.log.append([succeeded({ projectId: 'p\u0000x' }), succeeded({ projectId: 'p' })]);
      expect((await s.usage.usage({ projectId: 'p\u0000x' })).totalCalls).toBe(1);
    });

    it('adds money exactly: a thousand 0.100000001 USD calls make 100.000001 USD', async () => {
      const events = Array.from({ length: 1000 }, (_, i) =>
        succeeded({ at: T0 + (i % 7) * DAY + (i % 1440) * MIN, costNanos: 100_000_001 }),
      );
      await s.log.append(events);
      const u = await s.usage.usage({});
      expect(u.costUsd).toBe(100.000001);
      expect(u.byModel[HAIKU]?.costUsd).toBe(100.000001);
    });

    it('matches the events for any window and filter, across minute, hour and day edges', async () => {
      const rnd = fc.sample(fc.integer({ min: 0, max: 3 * DAY - 1 }), { numRuns: 400, seed: 7 });
      const events = rnd.map((off, i) => {
        const spec = { at: T0 + off, projectId: i % 3 ? 'p-1' : null, costNanos: i + 1 };
        return [succeeded, failed, cached, rateLimited][i % 4]!({
          ...spec,
          level: i % 5 ? 'turn' : 'objective',
          model: i % 5 ? HAIKU : SONNET,
        });
      });
      for (let i = 0; i < events.length; i += 100) await s.log.append(events.slice(i, i + 100));
      const time = fc.option(fc.integer({ min: -HOUR, max: 3 * DAY + HOUR }), { nil: undefined });
      await fc.assert(
        fc.asyncProperty(
          time,
          time,
          fc.constantFrom(undefined, 'p-1'),
          fc.constantFrom(undefined, 'turn', 'objective' as const),
          async (a, b, projectId, level) => {
            const [since, until] = a !== undefined && b !== undefined && b < a ? [b, a] : [a, b];
            const q: UsageQuery = {
              since: since === undefined ? undefined : T0 + since,
              until: until === undefined ? undefined : T0 + until,
              projectId,
              level,
            };
            expect(await s.usage.usage(q)).toEqual(expectedUsage(events, q));
          },
        ),
        { numRuns: 150, seed: 11 },
      );
    });
  });
};

import fc from 'fast-check';
import {
  seriesReport,
  seriesWindow,
  type InferenceEvent,
  type SeriesGrain,
  type SeriesPoint,
  type SeriesQuery,
  type UsageSeries,
} from '../../src/domain';
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
  type EventSpec,
  type EventStoreSubject,
  type SubjectFactory,
} from './fixtures';
import { cancelledOf, interruptedOf, reconciledOf, started } from './spend-fixtures';

const SONNET = 'anthropic/claude-sonnet-4.5';

/** A failure that reached upstream and spent (invalid structured output). */
const spentFailure = (at: number): InferenceEvent => {
  const e = failed({ at });
  if (e.type !== 'InferenceFailed') throw new Error('fixture');
  const spent = { inputTokens: 50, outputTokens: 9, reasoningTokens: 3, costNanos: 3_000 };
  return { ...e, data: { ...e.data, ...spent } };
};

/** A success with its own latency and, optionally, a time to first token. */
const timed = (s: EventSpec, latencyMs: number, ttftMs?: number): InferenceEvent => {
  const e = succeeded(s);
  if (e.type !== 'InferenceSucceeded') throw new Error('fixture');
  return { ...e, data: { ...e.data, latencyMs, ...(ttftMs === undefined ? {} : { ttftMs }) } };
};

const query = (
  since: number,
  until: number,
  grain: SeriesGrain,
  rest: Partial<SeriesQuery> = {},
) => ({
  ...seriesWindow(since, until, grain),
  grain,
  ...rest,
});

const total = (s: UsageSeries, field: 'calls' | 'costUsd' | 'inputTokens' | 'failedCalls') =>
  s.series.flatMap((x) => x.points).reduce((a, p) => a + p[field], 0);

/** The series side of the UsageReadModel port: buckets, groups, filters and means. */
export const usageSeriesContract = (name: string, make: SubjectFactory): void => {
  describe(`UsageReadModel series contract: ${name}`, () => {
    let s!: EventStoreSubject;
    freshSubjectEachTest(make, (subject) => (s = subject));
    const series = async (q: SeriesQuery) => seriesReport(await s.usage.series(q), q);

    const day = [
      timed({ at: T0 + 5 * MIN, costNanos: 1_000, projectId: 'p-1' }, 100, 40),
      timed({ at: T0 + 20 * MIN, level: 'project', model: SONNET, costNanos: 2_000 }, 300),
      failed({ at: T0 + 2 * HOUR + MIN, level: 'project', model: SONNET, projectId: 'p-1' }),
      cached({ at: T0 + 2 * HOUR + 2 * MIN, savedNanos: 5_000 }),
      rateLimited({ at: T0 + 5 * HOUR, projectId: 'p-2' }),
    ];

    it('answers every bucket in order, empty ones at zero, with mean latency and TTFT', async () => {
      await s.log.append(day);
      const r = await series(query(T0, T0 + 6 * HOUR, 'hour'));
      expect(r.series.map((x) => x.key)).toEqual(['all']);
      const points = r.series[0]!.points;
      expect(points.map((p) => p.t)).toEqual(
        Array.from({ length: 6 }, (_, i) => new Date(T0 + i * HOUR).toISOString()),
      );
      expect(points.map((p) => p.calls)).toEqual([2, 0, 2, 0, 0, 1]);
      expect(points[0]).toMatchObject({ succeededCalls: 2, costUsd: 0.000003, inputTokens: 200 });
      expect(points[0]).toMatchObject({ meanLatencyMs: 200, meanTtftMs: 40 });
      expect(points[1]).toMatchObject({ meanLatencyMs: null, meanTtftMs: null, costUsd: 0 });
      expect(points[2]).toMatchObject({
        failedCalls: 1,
        cachedCalls: 1,
        savedByCacheUsd: 0.000005,
      });
    });

    it('groups by level, model, project (null for none) and status', async () => {
      await s.log.append(day);
      const q = (groupBy: SeriesQuery['groupBy']) => query(T0, T0 + DAY, 'day', { groupBy });
      const byLevel = await series(q('level'));
      expect(byLevel.series.map((x) => [x.key, x.points[0]!.calls])).toEqual([
        ['project', 2],
        ['turn', 3],
      ]);
      const byModel = await series(q('model'));
      expect(byModel.series.find((x) => x.key === SONNET)?.points[0]?.costUsd).toBe(0.000002);
      const byProject = await series(q('project'));
      expect(byProject.series.map((x) => [x.key, x.points[0]!.calls])).toEqual([
        [null, 2],
        ['p-1', 2],
        ['p-2', 1],
      ]);
      const byStatus = await series(q('status'));
      expect(byStatus.series.map((x) => [x.key, x.points[0]!.calls])).toEqual([
        ['succeeded', 2],
        ['failed', 1],
        ['cached', 1],
        ['rate_limited', 1],
        ['cancelled', 0],
        ['interrupted', 0],
      ]);
      expect(total(byStatus, 'costUsd')).toBe(0.000003);
    });

    it('gives each status its own tokens and cost, reconciled ones too, adding up to the bucket', async () => {
      const [toCancel, toInterrupt] = [
        started({ at: T0 + MIN, estimatedCostNanos: 9_000 }),
        started({ at: T0 + 2 * MIN }),
      ];
      const interrupted = interruptedOf(toInterrupt);
      await s.log.append([
        succeeded({ at: T0, costNanos: 1_000 }),
        spentFailure(T0 + 3 * MIN),
        cached({ at: T0 + 4 * MIN }),
        toCancel,
        cancelledOf(toCancel),
        toInterrupt,
        interrupted,
      ]);
      const record = await s.records.get(interrupted.data.callId);
      const figures = { inputTokens: 40, outputTokens: 8, costNanos: 1_250 };
      await s.log.append([reconciledOf(record!, figures)]);
      const q = (groupBy?: 'status') => query(T0, T0 + HOUR, 'hour', { groupBy });
      const spend = (p: SeriesPoint) => {
        const { calls, inputTokens, outputTokens, reasoningTokens, costUsd } = p;
        return { calls, inputTokens, outputTokens, reasoningTokens, costUsd };
      };
      const byStatus = await series(q('status'));
      const nothing = { calls: 0, inputTokens: 0, outputTokens: 0, reasoningTokens: 0, costUsd: 0 };
      expect(Object.fromEntries(byStatus.series.map((x) => [x.key, spend(x.points[0]!)]))).toEqual({
        succeeded: { ...nothing, calls: 1, inputTokens: 100, outputTokens: 20, costUsd: 0.000001 },
        failed: {
          calls: 1,
          inputTokens: 50,
          outputTokens: 9,
          reasoningTokens: 3,
          costUsd: 0.000003,
        },
        cached: { ...nothing, calls: 1 },
        rate_limited: nothing,
        cancelled: { ...nothing, calls: 1, costUsd: 0.000009 },
        interrupted: {
          ...nothing,
          calls: 1,
          inputTokens: 40,
          outputTokens: 8,
          costUsd: 0.00000125,
        },
      });
      const all = spend((await series(q())).series[0]!.points[0]!);
      expect(all).toEqual({
        ...nothing,
        calls: 5,
        inputTokens: 190,
        outputTokens: 37,
        reasoningTokens: 3,
        costUsd: 0.00001425,
      });
    });

    it('filters by level and project, and reads week buckets from the epoch', async () => {
      await s.log.append([...day, succeeded({ at: T0 + 8 * DAY, projectId: 'p-1' })]);
      const p1 = await series(query(T0, T0 + DAY, 'hour', { projectId: 'p-1' }));
      expect(total(p1, 'calls')).toBe(2);
      const lvl = await series(query(T0, T0 + DAY, 'minute', { level: 'project' }));
      expect(lvl.series[0]!.points).toHaveLength(1440);
      expect(total(lvl, 'failedCalls')).toBe(1);
      const weeks = await series(query(T0 + HOUR, T0 + 9 * DAY, 'week'));
      expect(weeks.window).toEqual({
        since: new Date(T0).toISOString(),
        until: new Date(T0 + 14 * DAY).toISOString(),
      });
      expect(weeks.series[0]!.points.map((p) => p.calls)).toEqual([5, 1]);
    });

    it('sums to the usage report of the same window, for any window, grain and filter', async () => {
      const offs = fc.sample(fc.integer({ min: 0, max: 10 * DAY - 1 }), { numRuns: 300, seed: 3 });
      const events = offs.map((off, i) =>
        [succeeded, failed, cached, rateLimited][i % 4]!({
          at: T0 + off,
          projectId: i % 3 ? 'p-1' : null,
          costNanos: i + 1,
          level: i % 5 ? 'turn' : 'objective',
        }),
      );
      for (let i = 0; i < events.length; i += 100) await s.log.append(events.slice(i, i + 100));
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: -DAY, max: 11 * DAY }),
          fc.integer({ min: 1, max: 11 * DAY }),
          fc.constantFrom<SeriesGrain>('hour', 'day', 'week'),
          fc.constantFrom(undefined, 'p-1'),
          fc.constantFrom(undefined, 'level', 'status', 'project' as const),
          async (from, span, grain, projectId, groupBy) => {
            const q = query(T0 + from, T0 + from + span, grain, { projectId, groupBy });
            const r = await series(q);
            const u = await s.usage.usage({ since: q.since, until: q.until, projectId });
            expect(total(r, 'calls')).toBe(u.totalCalls);
            expect(total(r, 'inputTokens')).toBe(u.inputTokens);
            expect(Math.round(total(r, 'costUsd') * 1e9)).toBe(Math.round(u.costUsd * 1e9));
          },
        ),
        { numRuns: 60, seed: 5 },
      );
    });
  });
};

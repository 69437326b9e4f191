import { fieldOf } from '../../../test/support/error-fields';
import { InMemoryEventStore } from '../../adapters/in-memory';
import { ManualClock } from '../../adapters/in-memory/manual-clock';
import { defaultGrain } from '../../domain';
import { makeGetUsageSeries, parseSeriesParams } from './get-usage-series';

const NOW = Date.UTC(2026, 2, 10, 12, 34, 56);
const H = 3_600_000;
const D = 24 * H;

const parsed = (p: Parameters<typeof parseSeriesParams>[0]) => {
  const r = parseSeriesParams(p, NOW);
  if (!r.ok) throw new Error(r.error.detail);
  return r.query;
};
const refused = (p: Parameters<typeof parseSeriesParams>[0]) => {
  const r = parseSeriesParams(p, NOW);
  if (r.ok) throw new Error('accepted');
  return r.error;
};

describe('usage series parameters', () => {
  it('defaults to the last day, at the finest grain within 200 points, widened to whole buckets', () => {
    expect(parsed({})).toEqual({
      since: Date.UTC(2026, 2, 9, 12),
      until: Date.UTC(2026, 2, 10, 13),
      grain: 'hour',
      groupBy: undefined,
      level: undefined,
      projectId: undefined,
    });
  });

  it('chooses minute, hour, day and week by the span', () => {
    expect(defaultGrain(0, H)).toBe('minute');
    expect(defaultGrain(0, 7 * D)).toBe('hour');
    expect(defaultGrain(0, 30 * D)).toBe('day');
    expect(defaultGrain(0, 365 * D)).toBe('week');
  });

  it('takes an explicit grain, group and filters', () => {
    const q = parsed({
      since: '2026-03-01',
      until: '2026-03-02T00:00:30Z',
      grain: 'day',
      groupBy: 'model',
      level: 'task',
      projectId: 'p',
    });
    expect(q).toEqual({
      since: Date.UTC(2026, 2, 1),
      until: Date.UTC(2026, 2, 3),
      grain: 'day',
      groupBy: 'model',
      level: 'task',
      projectId: 'p',
    });
  });

  it('refuses bad values, naming the parameter', () => {
    expect(refused({ grain: 'month' })).toMatchObject({ code: 'invalid_request', field: 'grain' });
    expect(refused({ groupBy: 'agent' }).detail).toMatch(/^groupBy: must be one of level, model/);
    expect(fieldOf(refused({ level: 'epic' }))).toBe('level');
    expect(fieldOf(refused({ since: 'yesterday' }))).toBe('since');
    expect(fieldOf(refused({ since: '2026-03-02', until: '2026-03-01' }))).toBe('until');
    const tooMany = refused({ since: '2025-01-01', grain: 'minute' });
    expect(tooMany).toMatchObject({ field: 'grain' });
    expect(tooMany.detail).toMatch(/at most 10000/);
  });
});

describe('getUsageSeries', () => {
  it('answers from the read model at the clock time, and wraps a failing store as unavailable', async () => {
    const store = new InMemoryEventStore();
    const get = makeGetUsageSeries(store, new ManualClock(NOW));
    const r = await get({ grain: 'hour' });
    expect(r._unsafeUnwrap().series[0]!.points).toHaveLength(25);
    await store.close();
    const broken = makeGetUsageSeries(
      {
        caughtUp: () => Promise.resolve(null),
        lag: () => Promise.resolve(null),
        usage: () => Promise.reject(new Error('x')),
        series: () => Promise.reject(new Error('SELECT secret')),
      },
      new ManualClock(NOW),
    );
    const e = (await broken({}))._unsafeUnwrapErr();
    expect(e.code).toBe('unavailable');
    expect(e.detail).not.toMatch(/SELECT/);
  });
});

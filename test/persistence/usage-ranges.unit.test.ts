import fc from 'fast-check';
import {
  GRAINS,
  usageRanges,
  type GrainRange,
} from '../../src/adapters/persistence/read-models/usage-ranges';

const MIN = 60_000;
const LEN = { minute: MIN, hour: 60 * MIN, day: 1440 * MIN, week: 7 * 1440 * MIN } as const;
const grain = (name: keyof typeof LEN) => GRAINS.find((g) => g.name === name)!;
const [week, day, hour, minute] = (['week', 'day', 'hour', 'minute'] as const).map(grain);
/** A Thursday, so also the start of an epoch week. */
const T0 = Date.UTC(2026, 0, 1);

/** Which ranges hold the bucket of `grain` that contains minute `m`. */
const holders = (ranges: GrainRange[], m: number) =>
  ranges.filter((r) => {
    const start = Math.floor(m / LEN[r.grain.name]) * LEN[r.grain.name];
    return (r.from === undefined || start >= r.from) && (r.to === undefined || start < r.to);
  });

describe('usageRanges', () => {
  it('covers whole days with day rows and only the ragged ends with finer ones', () => {
    const since = T0 + 23 * LEN.hour + 59 * MIN;
    const until = T0 + 3 * LEN.day + 2 * LEN.hour + 3 * MIN;
    expect(usageRanges(since, until)).toEqual([
      { grain: minute, from: since, to: T0 + LEN.day },
      { grain: day, from: T0 + LEN.day, to: T0 + 3 * LEN.day },
      { grain: hour, from: T0 + 3 * LEN.day, to: T0 + 3 * LEN.day + 2 * LEN.hour },
      { grain: minute, from: T0 + 3 * LEN.day + 2 * LEN.hour, to: until },
    ]);
  });

  it('covers whole weeks with week rows, and their ragged ends with finer ones', () => {
    const since = T0 - 2 * LEN.day + 10 * LEN.hour;
    const until = T0 + 15 * LEN.day + 5 * MIN;
    expect(usageRanges(since, until)).toEqual([
      { grain: hour, from: since, to: T0 - LEN.day },
      { grain: day, from: T0 - LEN.day, to: T0 },
      { grain: week, from: T0, to: T0 + 2 * LEN.week },
      { grain: day, from: T0 + 2 * LEN.week, to: T0 + 15 * LEN.day },
      { grain: minute, from: T0 + 15 * LEN.day, to: until },
    ]);
  });

  it('reads only week rows for an open window, and nothing for an empty one', () => {
    expect(usageRanges()).toEqual([{ grain: week, from: undefined, to: undefined }]);
    expect(usageRanges(T0, T0)).toEqual([]);
  });

  it('counts every minute of any window exactly once, and none outside, in at most 7 ranges', () => {
    const aMinute = fc.integer({ min: -20_000, max: 40_000 }).map((m) => T0 + m * MIN);
    const bound = fc.option(aMinute, { nil: undefined });
    fc.assert(
      fc.property(bound, bound, fc.array(aMinute, { maxLength: 40 }), (a, b, probes) => {
        const [since, until] = a !== undefined && b !== undefined && b < a ? [b, a] : [a, b];
        const ranges = usageRanges(since, until);
        expect(ranges.length).toBeLessThanOrEqual(7);
        for (const r of ranges) {
          if (r.from !== undefined) expect(r.from % LEN[r.grain.name]).toBe(0);
          if (r.to !== undefined) expect(r.to % LEN[r.grain.name]).toBe(0);
        }
        const edges = [since, until].filter((x): x is number => x !== undefined);
        for (const m of [...probes, ...edges, ...edges.map((x) => x - MIN)]) {
          const inside = (since === undefined || m >= since) && (until === undefined || m < until);
          expect(holders(ranges, m)).toHaveLength(inside ? 1 : 0);
        }
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});

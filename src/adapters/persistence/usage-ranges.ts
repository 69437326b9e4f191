/** A grain of the usage aggregates and its length in ms. */
export type Grain = 'day' | 'hour' | 'minute';

const GRAINS: ReadonlyArray<readonly [Grain, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** Buckets of one grain with start in [from, to); an absent bound is open. */
export interface GrainRange {
  readonly grain: Grain;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
}

/**
 * Covers a minute-aligned window [since, until) with the fewest aggregate rows: whole days from
 * day rows, the ragged ends from hour rows, what is left from minute rows. At most five ranges;
 * none when the window is empty.
 */
export const usageRanges = (since?: number, until?: number): GrainRange[] => cover(since, until, 0);

const cover = (from: number | undefined, to: number | undefined, level: number): GrainRange[] => {
  if (from !== undefined && to !== undefined && from >= to) return [];
  const [grain, ms] = GRAINS[level]!;
  if (level === GRAINS.length - 1) return [{ grain, from, to }];
  const a = from === undefined ? undefined : Math.ceil(from / ms) * ms;
  const b = to === undefined ? undefined : Math.floor(to / ms) * ms;
  if (a !== undefined && b !== undefined && a >= b) return cover(from, to, level + 1);
  return [
    ...(from !== undefined && a !== from ? cover(from, a, level + 1) : []),
    { grain, from: a, to: b },
    ...(to !== undefined && b !== to ? cover(b, to, level + 1) : []),
  ];
};

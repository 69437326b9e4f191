/** A grain of the usage aggregates: its table and bucket length. */
export interface Grain {
  readonly name: 'week' | 'day' | 'hour' | 'minute';
  readonly table: string;
  readonly ms: number;
}

/** The grains, coarsest first; weeks count from the Unix epoch (Thursday to Thursday, UTC). */
export const GRAINS: readonly Grain[] = [
  { name: 'week', table: 'usage_week', ms: 7 * 86_400_000 },
  { name: 'day', table: 'usage_day', ms: 86_400_000 },
  { name: 'hour', table: 'usage_hour', ms: 3_600_000 },
  { name: 'minute', table: 'usage_minute', ms: 60_000 },
];

/** Buckets of one grain with start in [from, to); an absent bound is open. */
export interface GrainRange {
  readonly grain: Grain;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
}

/**
 * Covers a minute-aligned window [since, until) with the fewest aggregate rows: whole weeks from
 * week rows, the ragged ends from day rows, theirs from hour rows, what is left from minute rows.
 * At most seven ranges; none when the window is empty.
 */
export const usageRanges = (since?: number, until?: number): GrainRange[] => cover(since, until, 0);

const cover = (from: number | undefined, to: number | undefined, level: number): GrainRange[] => {
  if (from !== undefined && to !== undefined && from >= to) return [];
  const grain = GRAINS[level]!;
  if (level === GRAINS.length - 1) return [{ grain, from, to }];
  const a = from === undefined ? undefined : Math.ceil(from / grain.ms) * grain.ms;
  const b = to === undefined ? undefined : Math.floor(to / grain.ms) * grain.ms;
  if (a !== undefined && b !== undefined && a >= b) return cover(from, to, level + 1);
  return [
    ...(from !== undefined && a !== from ? cover(from, a, level + 1) : []),
    { grain, from: a, to: b },
    ...(to !== undefined && b !== to ? cover(b, to, level + 1) : []),
  ];
};

/** Hourly rows summed over every project, for series that neither filter nor group by one. */
export const HOUR_ALL_PROJECTS: Grain = {
  name: 'hour',
  table: 'usage_hour_all_projects',
  ms: 3_600_000,
};

import { CALL_STATUSES } from './call-record';
import { usdFromNanos } from './money';
import type { UsageCounts, UsageQuery } from './usage';
import {
  addCounters,
  SPEND_FIGURES,
  SPENT_BY,
  zeroCounters,
  type UsageCounters,
} from './usage-counters';

/** Bucket sizes of a usage series; weeks count from the Unix epoch (Thursday 00:00 UTC). */
export const SERIES_GRAINS = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/** A series grain name. */
export type SeriesGrain = keyof typeof SERIES_GRAINS;

/** What a series may be split by. */
export const SERIES_GROUPS = ['level', 'model', 'project', 'status', 'key'] as const;

/** A series grouping name. */
export type SeriesGroup = (typeof SERIES_GROUPS)[number];

/** Most points a default grain aims at, and most buckets one answer may hold. */
export const TARGET_POINTS = 200;
export const MAX_POINTS = 10_000;

/** A validated series query: times are epoch ms, already widened to whole buckets. */
export interface SeriesQuery extends Pick<UsageQuery, 'level' | 'projectId' | 'keyId'> {
  readonly since: number;
  readonly until: number;
  readonly grain: SeriesGrain;
  readonly groupBy?: SeriesGroup | undefined;
}

/** One summed aggregate row of a series: its bucket start, group key and counters. */
export interface SeriesRow {
  readonly bucket: number;
  readonly key: string;
  readonly counters: UsageCounters;
}

/** The finest grain whose buckets cover [since, until) in at most ~200 points. */
export const defaultGrain = (since: number, until: number): SeriesGrain => {
  const span = Math.max(until - since, 1);
  const fit = (Object.keys(SERIES_GRAINS) as SeriesGrain[]).find(
    (g) => span / SERIES_GRAINS[g] <= TARGET_POINTS,
  );
  return fit ?? 'week';
};

/** [since, until) widened to whole buckets of `grain`: since down, until up. */
export const seriesWindow = (since: number, until: number, grain: SeriesGrain) => {
  const ms = SERIES_GRAINS[grain];
  const s = Math.floor(since / ms) * ms;
  return { since: s, until: Math.max(Math.ceil(until / ms) * ms, s + ms) };
};

/** How many buckets a widened window holds. */
export const bucketCount = (q: Pick<SeriesQuery, 'since' | 'until' | 'grain'>): number =>
  Math.round((q.until - q.since) / SERIES_GRAINS[q.grain]);

/** One bucket of a series (money in USD, means null when nothing was measured). */
export interface SeriesPoint extends UsageCounts {
  readonly t: string;
  readonly calls: number;
  readonly costUsd: number;
  readonly savedByCacheUsd: number;
  readonly meanLatencyMs: number | null;
  readonly meanTtftMs: number | null;
}

/** The usage series answer; `key` is null for calls without a project. */
export interface UsageSeries {
  readonly window: { readonly since: string; readonly until: string };
  readonly grain: SeriesGrain;
  readonly groupBy: SeriesGroup | null;
  readonly series: ReadonlyArray<{ readonly key: string | null; readonly points: SeriesPoint[] }>;
  /** As a usage report's: set only when the aggregates had not caught up within the wait. */
  readonly asOf?: string;
  readonly lagMs?: number;
}

/** The key of the one series an ungrouped query answers. */
export const ALL_KEY = 'all';

/** Statuses a status grouping always shows, in order. */
export const SERIES_STATUSES = CALL_STATUSES;

type StatusCounter =
  | 'succeededCalls'
  | 'failedCalls'
  | 'cachedCalls'
  | 'rateLimitedCalls'
  | 'cancelledCalls'
  | 'interruptedCalls';
const COUNTER: Record<(typeof SERIES_STATUSES)[number], StatusCounter> = {
  succeeded: 'succeededCalls',
  failed: 'failedCalls',
  cached: 'cachedCalls',
  rate_limited: 'rateLimitedCalls',
  cancelled: 'cancelledCalls',
  interrupted: 'interruptedCalls',
};

/**
 * One status's share of a bucket's counters: its calls, and what only that status produces
 * (latency for succeeded, savings for cached, its own tokens and cost for failed, cancelled and
 * interrupted; succeeded keeps the rest, with the reported cost). The shares add up to the
 * bucket.
 */
export const statusShare = (
  status: (typeof SERIES_STATUSES)[number],
  c: UsageCounters,
): UsageCounters => {
  if (status === 'succeeded') {
    const none = { failedCalls: 0, cachedCalls: 0, rateLimitedCalls: 0, savedNanos: 0 };
    const share = {
      ...c,
      ...none,
      cancelledCalls: 0,
      interruptedCalls: 0,
      calls: c.succeededCalls,
    };
    for (const spent of Object.values(SPENT_BY)) {
      for (const f of SPEND_FIGURES) {
        share[f] -= c[spent[f]];
        share[spent[f]] = 0;
      }
    }
    return share;
  }
  const field = COUNTER[status];
  const share = { ...zeroCounters(), calls: c[field], [field]: c[field] };
  if (status === 'cached') return { ...share, savedNanos: c.savedNanos };
  if (status === 'rate_limited') return share;
  const own = SPENT_BY[status];
  for (const f of SPEND_FIGURES) share[f] = share[own[f]] = c[own[f]];
  return share;
};

const mean = (sum: number, n: number): number | null =>
  n === 0 ? null : Math.round((sum / n) * 10) / 10;

const pointOf = (t: number, c: UsageCounters): SeriesPoint => ({
  t: new Date(t).toISOString(),
  calls: c.calls,
  succeededCalls: c.succeededCalls,
  failedCalls: c.failedCalls,
  cachedCalls: c.cachedCalls,
  rateLimitedCalls: c.rateLimitedCalls,
  cancelledCalls: c.cancelledCalls,
  interruptedCalls: c.interruptedCalls,
  inputTokens: c.inputTokens,
  outputTokens: c.outputTokens,
  reasoningTokens: c.reasoningTokens,
  costUsd: usdFromNanos(c.costNanos),
  savedByCacheUsd: usdFromNanos(c.savedNanos),
  meanLatencyMs: mean(c.latencyMsSum, c.latencyCalls),
  meanTtftMs: mean(c.ttftMsSum, c.ttftCalls),
});

/**
 * Builds the series from summed rows of the query's window: one series per key (every status
 * for a status grouping, one `all` series without grouping), every bucket present in time
 * order, empty ones at zero. Rows outside the window are ignored.
 */
export const seriesReport = (rows: Iterable<SeriesRow>, q: SeriesQuery): UsageSeries => {
  const ms = SERIES_GRAINS[q.grain];
  const n = bucketCount(q);
  const byKey = new Map<string, UsageCounters[]>();
  const slots = (key: string) => {
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = Array.from({ length: n }, zeroCounters)));
    return s;
  };
  if (q.groupBy === undefined) slots(ALL_KEY);
  if (q.groupBy === 'status') for (const s of SERIES_STATUSES) slots(s);
  for (const row of rows) {
    const i = Math.floor((row.bucket - q.since) / ms);
    if (i < 0 || i >= n) continue;
    if (q.groupBy === 'status') {
      for (const s of SERIES_STATUSES) addCounters(slots(s)[i]!, statusShare(s, row.counters));
    } else {
      addCounters(slots(q.groupBy === undefined ? ALL_KEY : row.key)[i]!, row.counters);
    }
  }
  const keys = [...byKey.keys()];
  if (q.groupBy !== 'status') keys.sort();
  return {
    window: { since: new Date(q.since).toISOString(), until: new Date(q.until).toISOString() },
    grain: q.grain,
    groupBy: q.groupBy ?? null,
    series: keys.map((key) => ({
      key: (q.groupBy === 'project' || q.groupBy === 'key') && key === '' ? null : key,
      points: byKey.get(key)!.map((c, i) => pointOf(q.since + i * ms, c)),
    })),
  };
};

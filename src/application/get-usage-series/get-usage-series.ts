import { errAsync, ResultAsync } from 'neverthrow';
import {
  bucketCount,
  defaultGrain,
  inferenceError,
  MAX_POINTS,
  SERIES_GRAINS,
  SERIES_GROUPS,
  seriesReport,
  seriesWindow,
  type InferenceError,
  type SeriesGrain,
  type SeriesGroup,
  type SeriesQuery,
  type UsageSeries,
} from '../../domain';
import type { Clock, UsageReadModel } from '../../ports';
import {
  currentUsage,
  errorName,
  parseUsageParams,
  type UsageParams,
} from '../get-usage/get-usage';

/** Raw series parameters, as strings from a query string or a library caller. */
export interface UsageSeriesParams extends UsageParams {
  readonly grain?: string | undefined;
  readonly groupBy?: string | undefined;
}

/** The window a series shows when `since` is not given: the day before `until`. */
export const DEFAULT_SERIES_SPAN_MS = 86_400_000;

const oneOf = <T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[],
): T | undefined | InferenceError => {
  if (raw === undefined || raw === '') return undefined;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  return inferenceError(
    'invalid_request',
    `${name}: must be one of ${allowed.join(', ')}, got "${raw}"`,
    {
      field: name,
    },
  );
};

/** Validates series parameters against `now`; the error names the parameter. */
export const parseSeriesParams = (
  p: UsageSeriesParams,
  now: number,
): { ok: true; query: SeriesQuery } | { ok: false; error: InferenceError } => {
  const base = parseUsageParams(p);
  if (!base.ok) return base;
  const grain = oneOf('grain', p.grain, Object.keys(SERIES_GRAINS) as SeriesGrain[]);
  if (typeof grain === 'object') return { ok: false, error: grain };
  const groupBy = oneOf<SeriesGroup>('groupBy', p.groupBy, SERIES_GROUPS);
  if (typeof groupBy === 'object') return { ok: false, error: groupBy };
  const until = base.query.until ?? Math.max(now, base.query.since ?? now);
  const since = base.query.since ?? until - DEFAULT_SERIES_SPAN_MS;
  const g = grain ?? defaultGrain(since, until);
  const query: SeriesQuery = {
    ...seriesWindow(since, until, g),
    grain: g,
    groupBy,
    level: base.query.level,
    projectId: base.query.projectId,
    keyId: base.query.keyId,
  };
  const n = bucketCount(query);
  if (n > MAX_POINTS) {
    return {
      ok: false,
      error: inferenceError(
        'invalid_request',
        `grain: ${g} buckets over this window would be ${n} points, at most ${MAX_POINTS}; choose a coarser grain or a shorter window`,
        { field: 'grain' },
      ),
    };
  }
  return { ok: true, query };
};

/** The usage series use case: validated query, answered from the per-grain aggregates. */
export const makeGetUsageSeries =
  (usage: UsageReadModel, clock: Clock) =>
  (params: UsageSeriesParams): ResultAsync<UsageSeries, InferenceError> => {
    const parsed = parseSeriesParams(params, clock.now());
    if (!parsed.ok) return errAsync(parsed.error);
    const q = parsed.query;
    return ResultAsync.fromPromise(
      currentUsage(usage, async (u) => seriesReport(await u.series(q), q)),
      (e) =>
        inferenceError(
          'unavailable',
          `usage could not be read: the database did not answer (${errorName(e)})`,
        ),
    );
  };

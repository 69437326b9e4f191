import { z } from 'zod';
import { LEVELS, MAX_POINTS, SERIES_GRAINS, SERIES_GROUPS, TARGET_POINTS } from '../../domain';
import { usageCountsShape, usageLagShape } from './schemas';

const grains = Object.keys(SERIES_GRAINS) as [
  keyof typeof SERIES_GRAINS,
  ...Array<keyof typeof SERIES_GRAINS>,
];

/** Query of GET /api/inference/usage/series; any other parameter is a 400. */
export const usageSeriesQuerySchema = z.object({
  since: z.string().optional().describe('ISO-8601 date or time; default `until` minus one day'),
  until: z.string().optional().describe('ISO-8601 date or time, exclusive; default now'),
  grain: z
    .enum(grains)
    .optional()
    .describe(
      `bucket size (weeks start Thursday 00:00 UTC, counted from the Unix epoch); default the finest that keeps the window within ${TARGET_POINTS} points; at most ${MAX_POINTS} points`,
    ),
  groupBy: z
    .enum(SERIES_GROUPS)
    .optional()
    .describe('one series per level, model, project, status or consumer key'),
  level: z.enum(LEVELS).optional(),
  projectId: z.string().optional(),
  keyId: z.string().optional().describe('only calls made with this consumer key'),
});

const point = z.object({
  t: z.string().describe("the bucket's start, ISO-8601 UTC"),
  calls: z.number().int(),
  ...usageCountsShape,
  costUsd: z.number(),
  savedByCacheUsd: z.number(),
  meanLatencyMs: z.number().nullable().describe('mean latency of succeeded calls'),
  meanTtftMs: z.number().nullable().describe('mean time to first token of calls that know it'),
});

/** GET /api/inference/usage/series. */
export const usageSeriesSchema = z.object({
  window: z
    .object({ since: z.string(), until: z.string() })
    .describe('the window counted: widened to whole buckets'),
  grain: z.enum(grains),
  groupBy: z.enum(SERIES_GROUPS).nullable(),
  series: z.array(
    z.object({
      key: z.string().nullable().describe('"all" without groupBy; null: calls without a project'),
      points: z.array(point).describe('every bucket of the window in time order, empty ones at 0'),
    }),
  ),
  ...usageLagShape,
});

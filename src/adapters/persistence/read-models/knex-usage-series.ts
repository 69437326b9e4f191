import type { Knex } from 'knex';
import { zeroCounters, type SeriesQuery, type SeriesRow } from '../../../domain';
import { storedText } from '../projections/rows';
import { HOUR_ALL_PROJECTS } from './usage-ranges';

/** Counter columns and the UsageCounters field each one sums into. */
const SUMS = [
  ['calls', 'calls'],
  ['succeeded_calls', 'succeededCalls'],
  ['failed_calls', 'failedCalls'],
  ['cached_calls', 'cachedCalls'],
  ['rate_limited_calls', 'rateLimitedCalls'],
  ['cancelled_calls', 'cancelledCalls'],
  ['interrupted_calls', 'interruptedCalls'],
  ['input_tokens', 'inputTokens'],
  ['output_tokens', 'outputTokens'],
  ['reasoning_tokens', 'reasoningTokens'],
  ['cost_nanos', 'costNanos'],
  ['reported_cost_nanos', 'reportedCostNanos'],
  ['saved_nanos', 'savedNanos'],
  ['latency_ms_sum', 'latencyMsSum'],
  ['latency_calls', 'latencyCalls'],
  ['ttft_ms_sum', 'ttftMsSum'],
  ['ttft_calls', 'ttftCalls'],
] as const;

const KEY_COLUMN = { level: 'level', model: 'model', project: 'project_id' } as const;

/**
 * The series statement: one grain's aggregate table (its buckets are the series' buckets), the
 * window and filters, summed per bucket and key. It never reads `inference_calls`.
 */
export const seriesStatement = (
  q: SeriesQuery,
): { sql: string; bindings: Array<string | Date> } => {
  const key = q.groupBy === undefined || q.groupBy === 'status' ? "''" : KEY_COLUMN[q.groupBy];
  const where = ['bucket >= ?', 'bucket < ?'];
  const bindings: Array<string | Date> = [new Date(q.since), new Date(q.until)];
  if (q.level !== undefined) where.push('level = ?') && bindings.push(q.level);
  if (q.projectId !== undefined) {
    where.push('project_id = ?') && bindings.push(storedText(q.projectId));
  }
  const sums = SUMS.map(([c]) => `sum(${c})::text AS ${c}`).join(', ');
  // Without a project filter or grouping, hours come from the rollup over every project.
  const table =
    q.grain === 'hour' && q.projectId === undefined && q.groupBy !== 'project'
      ? HOUR_ALL_PROJECTS.table
      : `usage_${q.grain}`;
  return {
    sql:
      `SELECT (extract(epoch FROM bucket) * 1000)::bigint AS t, ${key} AS key, ${sums} ` +
      `FROM ${table} WHERE ${where.join(' AND ')} GROUP BY bucket, 2`,
    bindings,
  };
};

type Row = { t: string; key: string } & Record<(typeof SUMS)[number][0], string>;

/** Reads a series' rows from the aggregate table of its grain. */
export const readSeries = async (db: Knex, q: SeriesQuery): Promise<SeriesRow[]> => {
  const st = seriesStatement(q);
  const { rows } = (await db.raw(st.sql, st.bindings)) as { rows: Row[] };
  return rows.map((r) => {
    const counters = zeroCounters();
    // Sums arrive as text: exact integers, converted once.
    for (const [column, field] of SUMS) counters[field] = Number(r[column]);
    return { bucket: Number(r.t), key: r.key, counters };
  });
};

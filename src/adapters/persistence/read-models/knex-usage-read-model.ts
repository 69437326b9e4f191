import type { Knex } from 'knex';
import {
  type SeriesQuery,
  type SeriesRow,
  usageReport,
  usageWindow,
  type Level,
  type UsageQuery,
  type UsageReport,
  type UsageRow,
} from '../../../domain';
import type { UsageReadModel } from '../../../ports';
import { storedText } from '../projections/rows';
import { readSeries } from './knex-usage-series';
import { usageRanges } from './usage-ranges';

const SUMS = [
  'calls',
  'succeeded_calls',
  'failed_calls',
  'cached_calls',
  'rate_limited_calls',
  'cancelled_calls',
  'interrupted_calls',
  'input_tokens',
  'output_tokens',
  'cost_nanos',
  'reported_cost_nanos',
  'saved_nanos',
  'reasoning_tokens',
] as const;

/** A parameterised SQL statement. */
export interface Statement {
  readonly sql: string;
  readonly bindings: ReadonlyArray<string | Date>;
}

/**
 * The usage statement: per level and model, the sums of the aggregate rows of each grain range
 * that covers the window; it never reads `inference_calls`. Undefined when the window is empty.
 */
export const usageStatement = (query: UsageQuery): Statement | undefined => {
  const w = usageWindow(query);
  const ranges = usageRanges(w.since, w.until);
  if (ranges.length === 0) return undefined;
  const bindings: Array<string | Date> = [];
  const branches = ranges.map((r) => {
    const where = ['true'];
    const add = (term: string, value: string | Date) => {
      where.push(term);
      bindings.push(value);
    };
    if (r.from !== undefined) add('bucket >= ?', new Date(r.from));
    if (r.to !== undefined) add('bucket < ?', new Date(r.to));
    if (query.level !== undefined) add('level = ?', query.level);
    if (query.projectId !== undefined) add('project_id = ?', storedText(query.projectId));
    const sums = SUMS.map((c) => `sum(${c}) AS ${c}`).join(', ');
    return `SELECT level, model, ${sums} FROM ${r.grain.table} WHERE ${where.join(' AND ')} GROUP BY level, model`;
  });
  const totals = SUMS.map((c) => `sum(${c})::text AS ${c}`).join(', ');
  return {
    sql: `SELECT level, model, ${totals} FROM (${branches.join(' UNION ALL ')}) AS r GROUP BY level, model`,
    bindings,
  };
};

type SumRow = { level: Level; model: string } & Record<(typeof SUMS)[number], string>;

/** Answers the usage query from the aggregate tables only (NFR5). */
export class KnexUsageReadModel implements UsageReadModel {
  constructor(private readonly db: Knex) {}

  async usage(query: UsageQuery): Promise<UsageReport> {
    const st = usageStatement(query);
    const rows: SumRow[] = st ? (await this.db.raw(st.sql, [...st.bindings])).rows : [];
    return usageReport(rows.map(usageRowOf), query);
  }

  series(query: SeriesQuery): Promise<SeriesRow[]> {
    return readSeries(this.db, query);
  }
}

// Sums arrive as text: exact integers, converted once (safe up to 2^53 nano-USD).
const usageRowOf = (r: SumRow): UsageRow => ({
  level: r.level,
  model: r.model,
  counters: {
    calls: Number(r.calls),
    succeededCalls: Number(r.succeeded_calls),
    failedCalls: Number(r.failed_calls),
    cachedCalls: Number(r.cached_calls),
    rateLimitedCalls: Number(r.rate_limited_calls),
    cancelledCalls: Number(r.cancelled_calls),
    interruptedCalls: Number(r.interrupted_calls),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    reasoningTokens: Number(r.reasoning_tokens),
    costNanos: Number(r.cost_nanos),
    reportedCostNanos: Number(r.reported_cost_nanos),
    savedNanos: Number(r.saved_nanos),
    // The usage report shows no latency; the series reads it (knex-usage-series.ts).
    latencyMsSum: 0,
    latencyCalls: 0,
    ttftMsSum: 0,
    ttftCalls: 0,
  },
});

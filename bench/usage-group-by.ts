import type { Knex } from 'knex';
import {
  COUNTERS,
  usageRowOf,
} from '../src/adapters/persistence/projections/usage-counter-columns';
import {
  usageReport,
  usageWindow,
  type UsageCounters,
  type UsageQuery,
  type UsageReport,
} from '../src/domain';

const count = (status: string) => `count(*) FILTER (WHERE status = '${status}')`;
const spentBy = (status: string, expr: string) =>
  `sum(${expr}) FILTER (WHERE status = '${status}')`;
const NANOS = 'cost_usd * 1000000000';
// Tokens count for calls that reached upstream: not cache hits, not refusals.
const billed = (column: string) =>
  `sum(${column}) FILTER (WHERE status NOT IN ('cached', 'rate_limited'))`;

/**
 * Each usage counter as an aggregate over call records, as `usageDeltaOf` counts it (a
 * reconciled record already holds the figures its usage was moved to). The compiler asks for
 * every counter; records do not carry what a cache hit saved.
 */
const FROM_RECORDS: { readonly [F in keyof UsageCounters]-?: string } = {
  calls: 'count(*)',
  succeededCalls: count('succeeded'),
  failedCalls: count('failed'),
  cachedCalls: count('cached'),
  rateLimitedCalls: count('rate_limited'),
  cancelledCalls: count('cancelled'),
  interruptedCalls: count('interrupted'),
  inputTokens: billed('input_tokens'),
  outputTokens: billed('output_tokens'),
  reasoningTokens: billed('reasoning_tokens'),
  costNanos: `sum(${NANOS})`,
  reportedCostNanos: 'sum(reported_cost_usd * 1000000000)',
  savedNanos: '0',
  latencyMsSum: "sum(latency_ms) FILTER (WHERE status = 'succeeded')",
  latencyCalls: count('succeeded'),
  ttftMsSum: "sum(ttft_ms) FILTER (WHERE status = 'succeeded')",
  ttftCalls: "count(ttft_ms) FILTER (WHERE status = 'succeeded')",
  failedInputTokens: spentBy('failed', 'input_tokens'),
  failedOutputTokens: spentBy('failed', 'output_tokens'),
  failedReasoningTokens: spentBy('failed', 'reasoning_tokens'),
  failedCostNanos: spentBy('failed', NANOS),
  cancelledInputTokens: spentBy('cancelled', 'input_tokens'),
  cancelledOutputTokens: spentBy('cancelled', 'output_tokens'),
  cancelledReasoningTokens: spentBy('cancelled', 'reasoning_tokens'),
  cancelledCostNanos: spentBy('cancelled', NANOS),
  interruptedInputTokens: spentBy('interrupted', 'input_tokens'),
  interruptedOutputTokens: spentBy('interrupted', 'output_tokens'),
  interruptedReasoningTokens: spentBy('interrupted', 'reasoning_tokens'),
  interruptedCostNanos: spentBy('interrupted', NANOS),
};

const SUMS = COUNTERS.map(([f, c]) => `coalesce(${FROM_RECORDS[f]}, 0)::text AS ${c}`).join(', ');

/** The same report computed by GROUP BY over call records, with the read model's row mapping. */
export const groupBy = async (knex: Knex, q: UsageQuery): Promise<UsageReport> => {
  const w = usageWindow(q);
  const where: string[] = ['true'];
  const args: Array<string | Date> = [];
  if (w.since !== undefined) where.push('created_at >= ?') && args.push(new Date(w.since));
  if (w.until !== undefined) where.push('created_at < ?') && args.push(new Date(w.until));
  if (q.level) where.push('level = ?') && args.push(q.level);
  if (q.projectId) where.push('project_id = ?') && args.push(q.projectId);
  const { rows } = await knex.raw(
    `SELECT level, model, ${SUMS} FROM inference_calls WHERE ${where.join(' AND ')} GROUP BY level, model`,
    args,
  );
  return usageReport(rows.map(usageRowOf), q);
};

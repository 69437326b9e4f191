import { zeroCounters, type Level, type UsageCounters, type UsageRow } from '../../../domain';

/**
 * Every usage counter and its column in each grain table (all `bigint`, summed exactly): the one
 * list from which the append payload, the upsert, the read models' sums and the row → counters
 * mapping are made. The compiler checks that it names every counter and nothing else.
 */
export const USAGE_COUNTER_COLUMNS = {
  calls: 'calls',
  succeededCalls: 'succeeded_calls',
  failedCalls: 'failed_calls',
  cachedCalls: 'cached_calls',
  rateLimitedCalls: 'rate_limited_calls',
  cancelledCalls: 'cancelled_calls',
  interruptedCalls: 'interrupted_calls',
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
  reasoningTokens: 'reasoning_tokens',
  costNanos: 'cost_nanos',
  reportedCostNanos: 'reported_cost_nanos',
  savedNanos: 'saved_nanos',
  latencyMsSum: 'latency_ms_sum',
  latencyCalls: 'latency_calls',
  ttftMsSum: 'ttft_ms_sum',
  ttftCalls: 'ttft_calls',
  failedInputTokens: 'failed_input_tokens',
  failedOutputTokens: 'failed_output_tokens',
  failedReasoningTokens: 'failed_reasoning_tokens',
  failedCostNanos: 'failed_cost_nanos',
  cancelledInputTokens: 'cancelled_input_tokens',
  cancelledOutputTokens: 'cancelled_output_tokens',
  cancelledReasoningTokens: 'cancelled_reasoning_tokens',
  cancelledCostNanos: 'cancelled_cost_nanos',
  interruptedInputTokens: 'interrupted_input_tokens',
  interruptedOutputTokens: 'interrupted_output_tokens',
  interruptedReasoningTokens: 'interrupted_reasoning_tokens',
  interruptedCostNanos: 'interrupted_cost_nanos',
} as const satisfies { readonly [F in keyof UsageCounters]-?: string };

/** A counter's field and column. */
export type CounterColumn = readonly [field: keyof UsageCounters, column: string];

/** The counters, in table order. */
export const COUNTERS = Object.entries(USAGE_COUNTER_COLUMNS) as readonly CounterColumn[];

/** The counter columns, comma separated. */
export const COUNTER_LIST = COUNTERS.map(([, c]) => c).join(', ');

/** `sum(c)` of every counter column, each named after its column; `cast` e.g. '::text'. */
export const counterSums = (cast = ''): string =>
  COUNTERS.map(([, c]) => `sum(${c})${cast} AS ${c}`).join(', ');

/** Counters from a row of sums, which arrive as text: exact integers, converted once. */
export const countersOfRow = (row: Readonly<Record<string, unknown>>): UsageCounters => {
  const counters = zeroCounters();
  for (const [field, column] of COUNTERS) counters[field] = Number(row[column]);
  return counters;
};

/** A row of sums per level and model, as the usage statements select it. */
export type SumRow = { readonly level: Level; readonly model: string } & Readonly<
  Record<string, unknown>
>;

/** The usage row such a row holds. */
export const usageRowOf = (r: SumRow): UsageRow => ({
  level: r.level,
  model: r.model,
  ...(typeof r['key_id'] === 'string' ? { keyId: r['key_id'] } : {}),
  counters: countersOfRow(r),
});

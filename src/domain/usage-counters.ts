import type { NanoUsd } from './money';

/** Additive counters of one aggregate row. Tokens and cost count upstream (billed) calls only. */
export interface UsageCounters {
  calls: number;
  succeededCalls: number;
  failedCalls: number;
  cachedCalls: number;
  rateLimitedCalls: number;
  /** Sent upstream and stopped (shutdown, caller gone); their cost counts, maybe estimated. */
  cancelledCalls: number;
  /** Sent upstream by an instance that died; their estimated cost counts until reconciled. */
  interruptedCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Of the output tokens, those spent reasoning. */
  reasoningTokens: number;
  costNanos: NanoUsd;
  reportedCostNanos: NanoUsd;
  savedNanos: NanoUsd;
  /** Sum and count of succeeded calls' latencies, for a mean per bucket. */
  latencyMsSum: number;
  latencyCalls: number;
  /** Sum and count over the calls that know their time to first token (streamed ones). */
  ttftMsSum: number;
  ttftCalls: number;
  /**
   * Of the tokens and cost above, those of failed, cancelled and interrupted calls (the rest are
   * succeeded calls'), so that a series by status gives each status its own spend.
   */
  failedInputTokens: number;
  failedOutputTokens: number;
  failedReasoningTokens: number;
  failedCostNanos: NanoUsd;
  cancelledInputTokens: number;
  cancelledOutputTokens: number;
  cancelledReasoningTokens: number;
  cancelledCostNanos: NanoUsd;
  interruptedInputTokens: number;
  interruptedOutputTokens: number;
  interruptedReasoningTokens: number;
  interruptedCostNanos: NanoUsd;
}

/** Counters at zero: the one list of the counters' names. */
export const zeroCounters = (): UsageCounters => ({
  calls: 0,
  succeededCalls: 0,
  failedCalls: 0,
  cachedCalls: 0,
  rateLimitedCalls: 0,
  cancelledCalls: 0,
  interruptedCalls: 0,
  inputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  costNanos: 0,
  reportedCostNanos: 0,
  savedNanos: 0,
  latencyMsSum: 0,
  latencyCalls: 0,
  ttftMsSum: 0,
  ttftCalls: 0,
  failedInputTokens: 0,
  failedOutputTokens: 0,
  failedReasoningTokens: 0,
  failedCostNanos: 0,
  cancelledInputTokens: 0,
  cancelledOutputTokens: 0,
  cancelledReasoningTokens: 0,
  cancelledCostNanos: 0,
  interruptedInputTokens: 0,
  interruptedOutputTokens: 0,
  interruptedReasoningTokens: 0,
  interruptedCostNanos: 0,
});

const COUNTER_FIELDS = Object.keys(zeroCounters()) as ReadonlyArray<keyof UsageCounters>;

/** Adds `b` into `a` in place. */
export const addCounters = (a: UsageCounters, b: UsageCounters): UsageCounters => {
  for (const k of COUNTER_FIELDS) a[k] += b[k];
  return a;
};

/** Statuses whose calls may spend besides succeeded ones; each one's spend is also kept apart. */
export type SpendingStatus = 'failed' | 'cancelled' | 'interrupted';

/** The figures a call spends. */
export const SPEND_FIGURES = [
  'inputTokens',
  'outputTokens',
  'reasoningTokens',
  'costNanos',
] as const;

/** Where each spending status's share of each figure is counted. */
export const SPENT_BY: Record<
  SpendingStatus,
  Record<(typeof SPEND_FIGURES)[number], keyof UsageCounters>
> = {
  failed: {
    inputTokens: 'failedInputTokens',
    outputTokens: 'failedOutputTokens',
    reasoningTokens: 'failedReasoningTokens',
    costNanos: 'failedCostNanos',
  },
  cancelled: {
    inputTokens: 'cancelledInputTokens',
    outputTokens: 'cancelledOutputTokens',
    reasoningTokens: 'cancelledReasoningTokens',
    costNanos: 'cancelledCostNanos',
  },
  interrupted: {
    inputTokens: 'interruptedInputTokens',
    outputTokens: 'interruptedOutputTokens',
    reasoningTokens: 'interruptedReasoningTokens',
    costNanos: 'interruptedCostNanos',
  },
};

/** Counts the spend figures of a delta again as `status`'s own share. */
export const countSpendAs = (d: UsageCounters, status: SpendingStatus): UsageCounters => {
  const to = SPENT_BY[status];
  for (const f of SPEND_FIGURES) d[to[f]] = d[f];
  return d;
};

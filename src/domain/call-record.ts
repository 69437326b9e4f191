import type { InferenceReconciled } from './call-log-events';
import type { InferenceEvent } from './events';
import type { Level } from './levels';
import type { NanoUsd } from './money';
import type { FinishReason, ToolCall } from './request-parts';

/** Call record status. */
export type CallStatus =
  'succeeded' | 'failed' | 'cached' | 'rate_limited' | 'cancelled' | 'interrupted';

/** Every call status, in the order listings name them. */
export const CALL_STATUSES = [
  'succeeded',
  'failed',
  'cached',
  'rate_limited',
  'cancelled',
  'interrupted',
] as const satisfies readonly CallStatus[];

/** One row of `inference_calls`, money in nano-USD. */
export interface CallRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly level: Level;
  readonly purpose: string;
  readonly model: string;
  readonly status: CallStatus;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Of the output tokens, those spent reasoning. */
  readonly reasoningTokens: number;
  /** Of the input tokens, those read from the provider's cache. */
  readonly cachedInputTokens: number;
  readonly inputHash: string;
  readonly resultText: string | null;
  /** Tool calls the model made; null when none. */
  readonly toolCalls: readonly ToolCall[] | null;
  /** Why the model stopped; null when it never answered. */
  readonly finishReason: FinishReason | null;
  readonly latencyMs: number;
  readonly costNanos: NanoUsd;
  readonly reportedCostNanos: NanoUsd | null;
  /** True while the cost is an estimate (an interrupted or cancelled call not yet reconciled). */
  readonly costEstimated: boolean;
  /** The error code of a failed, refused or cancelled call; null otherwise. */
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly attempts: number;
  readonly projectId: string | null;
  readonly agentId: string | null;
  readonly commandId: string | null;
  readonly turnId: string | null;
  readonly upstreamId: string | null;
  /** The answer was streamed to the caller. */
  readonly streamed: boolean;
  /** Time to the first streamed delta, in ms; null when not streamed or nothing was sent. */
  readonly ttftMs: number | null;
  /** The W3C trace id of the call (32 lowercase hex); null when it ran in no trace. */
  readonly traceId: string | null;
  /** The consumer key the call was made with; null for the bootstrap token or open mode. */
  readonly keyId: string | null;
}

/** The outcome-specific part of a call record. */
type Outcome = Pick<
  CallRecord,
  | 'status'
  | 'inputTokens'
  | 'outputTokens'
  | 'reasoningTokens'
  | 'cachedInputTokens'
  | 'resultText'
  | 'toolCalls'
  | 'finishReason'
  | 'costNanos'
  | 'reportedCostNanos'
  | 'costEstimated'
  | 'errorCode'
  | 'errorMessage'
  | 'attempts'
  | 'upstreamId'
>;

const outcomeOf = (e: InferenceEvent): Outcome => {
  switch (e.type) {
    case 'InferenceSucceeded': {
      const d = e.data;
      return {
        status: 'succeeded',
        inputTokens: d.inputTokens,
        outputTokens: d.outputTokens,
        reasoningTokens: d.reasoningTokens ?? 0,
        cachedInputTokens: d.cachedInputTokens ?? 0,
        resultText: d.text,
        toolCalls: d.toolCalls ?? null,
        finishReason: d.finishReason ?? null,
        costNanos: d.costNanos,
        reportedCostNanos: d.reportedCostNanos,
        costEstimated: false,
        errorCode: null,
        errorMessage: d.unpriced ? `no price known for model ${d.model}; cost 0` : null,
        attempts: d.attempts,
        upstreamId: d.upstreamId,
      };
    }
    case 'InferenceFailed': {
      // A failure that reached upstream may still have spent (invalid structured output).
      const d = e.data;
      return {
        status: 'failed',
        inputTokens: d.inputTokens ?? 0,
        outputTokens: d.outputTokens ?? 0,
        reasoningTokens: d.reasoningTokens ?? 0,
        cachedInputTokens: d.cachedInputTokens ?? 0,
        resultText: null,
        toolCalls: null,
        finishReason: null,
        costNanos: d.costNanos ?? 0,
        reportedCostNanos: d.reportedCostNanos ?? null,
        costEstimated: false,
        errorCode: d.errorCode,
        errorMessage: `${d.errorCode}: ${d.errorMessage}`,
        attempts: d.attempts,
        upstreamId: d.upstreamId ?? null,
      };
    }
    case 'InferenceServedFromCache':
      return {
        status: 'cached',
        inputTokens: e.data.inputTokens,
        outputTokens: e.data.outputTokens,
        reasoningTokens: e.data.reasoningTokens ?? 0,
        cachedInputTokens: e.data.cachedInputTokens ?? 0,
        resultText: e.data.text,
        toolCalls: e.data.toolCalls ?? null,
        finishReason: e.data.finishReason ?? null,
        costNanos: 0,
        reportedCostNanos: null,
        costEstimated: false,
        errorCode: null,
        errorMessage: null,
        attempts: 0,
        upstreamId: null,
      };
    case 'InferenceRateLimited':
      return {
        status: 'rate_limited',
        inputTokens: 0,
        outputTokens: 0,
        reasoningTokens: 0,
        cachedInputTokens: 0,
        resultText: null,
        toolCalls: null,
        finishReason: null,
        costNanos: 0,
        reportedCostNanos: null,
        costEstimated: false,
        // A budget refusal is rate limited by spend: its own error code names it.
        errorCode: e.data.budget === undefined ? 'rate_limited' : 'budget_exceeded',
        errorMessage:
          e.data.budget === undefined
            ? `rate_limited: ${e.data.limit}, retry after ${e.data.retryAfterMs} ms`
            : `budget_exceeded: budget ${e.data.budget}, retry after ${e.data.retryAfterMs} ms`,
        attempts: 0,
        upstreamId: null,
      };
    case 'InferenceCancelled': {
      const d = e.data;
      return {
        status: 'cancelled',
        inputTokens: d.inputTokens,
        outputTokens: d.outputTokens,
        reasoningTokens: 0,
        cachedInputTokens: 0,
        resultText: null,
        toolCalls: null,
        finishReason: null,
        costNanos: d.costNanos,
        reportedCostNanos: d.reportedCostNanos,
        costEstimated: d.costEstimated,
        errorCode: d.errorCode,
        errorMessage: `cancelled (${d.reason}): ${d.errorMessage}`,
        attempts: d.attempts,
        upstreamId: d.upstreamId,
      };
    }
    case 'InferenceInterrupted':
      return {
        status: 'interrupted',
        inputTokens: 0,
        outputTokens: 0,
        reasoningTokens: 0,
        cachedInputTokens: 0,
        resultText: null,
        toolCalls: null,
        finishReason: null,
        costNanos: e.data.costNanos,
        reportedCostNanos: null,
        costEstimated: e.data.costEstimated,
        errorCode: null,
        errorMessage: `interrupted: instance ${e.data.ownerInstanceId} stopped before the call ended`,
        attempts: 1,
        upstreamId: e.data.upstreamId,
      };
  }
};

/**
 * The call record an outcome event describes. Pure: replaying the log yields the same rows.
 * Fields are listed, not spread: this runs once per call on the append path.
 */
export const callRecordOf = (e: InferenceEvent): CallRecord => {
  const d = e.data;
  const o = outcomeOf(e);
  return {
    id: d.callId,
    createdAt: e.occurredAt,
    level: d.level,
    purpose: d.purpose,
    model: d.model,
    status: o.status,
    inputTokens: o.inputTokens,
    outputTokens: o.outputTokens,
    reasoningTokens: o.reasoningTokens,
    cachedInputTokens: o.cachedInputTokens,
    inputHash: d.inputHash,
    resultText: o.resultText,
    toolCalls: o.toolCalls,
    finishReason: o.finishReason,
    latencyMs: d.latencyMs,
    costNanos: o.costNanos,
    reportedCostNanos: o.reportedCostNanos,
    costEstimated: o.costEstimated,
    errorCode: o.errorCode,
    errorMessage: o.errorMessage,
    attempts: o.attempts,
    projectId: d.projectId,
    agentId: d.agentId,
    commandId: d.commandId,
    turnId: d.turnId,
    upstreamId: o.upstreamId,
    streamed: d.streamed ?? false,
    ttftMs: d.ttftMs ?? null,
    traceId: d.traceId ?? null,
    keyId: d.keyId ?? null,
  };
};

/** The record fields a reconciliation replaces. */
export const RECONCILED_FIELDS = [
  'inputTokens',
  'outputTokens',
  'costNanos',
  'reportedCostNanos',
  'costEstimated',
  'upstreamId',
] as const satisfies ReadonlyArray<keyof CallRecord>;

/** What a reconciliation sets on its record: the real tokens and cost, no longer an estimate. */
export const reconciledFigures = (
  e: InferenceReconciled,
): Pick<CallRecord, (typeof RECONCILED_FIELDS)[number]> => ({
  inputTokens: e.data.inputTokens,
  outputTokens: e.data.outputTokens,
  costNanos: e.data.costNanos,
  reportedCostNanos: e.data.reportedCostNanos,
  costEstimated: false,
  upstreamId: e.data.upstreamId,
});

/** A record after a reconciliation. Pure. */
export const reconciledRecord = (r: CallRecord, e: InferenceReconciled): CallRecord => ({
  ...r,
  ...reconciledFigures(e),
});

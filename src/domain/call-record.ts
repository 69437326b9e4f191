import type { InferenceEvent } from './events';
import type { Level } from './levels';
import type { NanoUsd } from './money';

/** Call record status (CONTRACT §2). */
export type CallStatus = 'succeeded' | 'failed' | 'cached' | 'rate_limited';

/** One row of `inference_calls` (CONTRACT §2), money in nano-USD. */
export interface CallRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly level: Level;
  readonly purpose: string;
  readonly model: string;
  readonly status: CallStatus;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly inputHash: string;
  readonly resultText: string | null;
  readonly latencyMs: number;
  readonly costNanos: NanoUsd;
  readonly reportedCostNanos: NanoUsd | null;
  readonly errorMessage: string | null;
  readonly attempts: number;
  readonly projectId: string | null;
  readonly agentId: string | null;
  readonly commandId: string | null;
  readonly turnId: string | null;
  readonly upstreamId: string | null;
}

/** The call record an outcome event describes. Pure: replaying the log yields the same rows. */
export const callRecordOf = (e: InferenceEvent): CallRecord => {
  const d = e.data;
  const base = {
    id: d.callId,
    createdAt: e.occurredAt,
    level: d.level,
    purpose: d.purpose,
    model: d.model,
    inputHash: d.inputHash,
    latencyMs: d.latencyMs,
    projectId: d.projectId,
    agentId: d.agentId,
    commandId: d.commandId,
    turnId: d.turnId,
  };
  switch (e.type) {
    case 'InferenceSucceeded':
      return {
        ...base,
        status: 'succeeded',
        inputTokens: e.data.inputTokens,
        outputTokens: e.data.outputTokens,
        resultText: e.data.text,
        costNanos: e.data.costNanos,
        reportedCostNanos: e.data.reportedCostNanos,
        errorMessage: e.data.unpriced ? `no price known for model ${d.model}; cost 0` : null,
        attempts: e.data.attempts,
        upstreamId: e.data.upstreamId,
      };
    case 'InferenceFailed':
      return {
        ...base,
        status: 'failed',
        inputTokens: 0,
        outputTokens: 0,
        resultText: null,
        costNanos: 0,
        reportedCostNanos: null,
        errorMessage: `${e.data.errorCode}: ${e.data.errorMessage}`,
        attempts: e.data.attempts,
        upstreamId: null,
      };
    case 'InferenceServedFromCache':
      return {
        ...base,
        status: 'cached',
        inputTokens: e.data.inputTokens,
        outputTokens: e.data.outputTokens,
        resultText: e.data.text,
        costNanos: 0,
        reportedCostNanos: null,
        errorMessage: null,
        attempts: 0,
        upstreamId: null,
      };
    case 'InferenceRateLimited':
      return {
        ...base,
        status: 'rate_limited',
        inputTokens: 0,
        outputTokens: 0,
        resultText: null,
        costNanos: 0,
        reportedCostNanos: null,
        errorMessage: `rate_limited: ${e.data.limit}, retry after ${e.data.retryAfterMs} ms`,
        attempts: 0,
        upstreamId: null,
      };
  }
};

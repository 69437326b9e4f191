import { derivedEventId, type CallRecord, type InferenceReconciled } from '../../domain';
import type { GenerationStats } from '../../ports';

/**
 * The event id of a call's reconciliation, the same whoever makes it: two instances
 * reconciling one call append one event (appends are idempotent by event id), so its usage
 * never moves twice.
 */
export const reconciliationEventId = (callId: string): string =>
  derivedEventId(`reconciled:${callId}`);

/**
 * The reconciliation of a record kept at an estimate: OpenRouter's figures replace the
 * record's, and usage moves by the difference in the original record's bucket. The charge
 * `/generation` reports is both the cost and the reported cost.
 */
export const reconciliationOf = (
  r: CallRecord & { readonly upstreamId: string; readonly status: 'cancelled' | 'interrupted' },
  g: GenerationStats,
  at: number,
): InferenceReconciled => ({
  type: 'InferenceReconciled',
  eventId: reconciliationEventId(r.id),
  occurredAt: new Date(at).toISOString(),
  data: {
    callId: r.id,
    callCreatedAt: r.createdAt,
    level: r.level,
    model: r.model,
    projectId: r.projectId,
    keyId: r.keyId,
    status: r.status,
    upstreamId: r.upstreamId,
    inputTokens: g.inputTokens,
    outputTokens: g.outputTokens,
    costNanos: g.costNanos,
    reportedCostNanos: g.costNanos,
    previous: {
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      costNanos: r.costNanos,
      reportedCostNanos: r.reportedCostNanos,
    },
  },
});

/** When and how often `/generation` is asked. */
export interface ReconcileSettings {
  /** The wait after the first `not_ready` (404); it doubles after each one. */
  readonly firstDelayMs: number;
  /** The longest wait between two asks about one call. */
  readonly maxDelayMs: number;
  /** Counted from the call's start: past it the call is left at its estimate. */
  readonly giveUpAfterMs: number;
  /** How often the records are searched for calls to reconcile. */
  readonly scanEveryMs: number;
}

/** The wait before the next ask about a call that has been asked about `asked` times. */
export const backoffMs = (s: ReconcileSettings, asked: number): number =>
  Math.min(s.maxDelayMs, s.firstDelayMs * 2 ** Math.max(0, Math.min(asked - 1, 30)));

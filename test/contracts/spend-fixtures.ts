import { randomUUID } from 'node:crypto';
import type {
  CallRecord,
  InferenceEvent,
  InferenceReconciled,
  InferenceStarted,
  InferenceUpstreamIdentified,
} from '../../src/domain';
import { reconciliationOf } from '../../src/application/reconcile-spend/reconciliation';
import { T0, type EventSpec } from './fixtures';

/** The intent of a call: what an outcome or an interruption will settle. */
export const started = (
  s: EventSpec & { instanceId?: string; estimatedCostNanos?: number } = {},
): InferenceStarted => ({
  type: 'InferenceStarted',
  eventId: s.eventId ?? randomUUID(),
  occurredAt: new Date(s.at ?? T0).toISOString(),
  data: {
    callId: s.callId ?? randomUUID(),
    level: s.level ?? 'turn',
    purpose: 'summarise turn',
    model: s.model ?? 'anthropic/claude-haiku-4.5',
    inputHash: 'ab'.repeat(32),
    projectId: s.projectId === undefined ? null : s.projectId,
    agentId: 'agent-1',
    commandId: null,
    turnId: 'turn-9',
    estimatedCostNanos: s.estimatedCostNanos ?? 82_000_000,
    instanceId: s.instanceId ?? 'instance-a',
  },
});

const factsOf = (i: InferenceStarted, latencyMs: number) => ({
  callId: i.data.callId,
  level: i.data.level,
  purpose: i.data.purpose,
  model: i.data.model,
  inputHash: i.data.inputHash,
  projectId: i.data.projectId,
  agentId: i.data.agentId,
  commandId: i.data.commandId,
  turnId: i.data.turnId,
  latencyMs,
});

/** The generation id of the intent's call, learnt while it runs. */
export const identifiedOf = (
  i: InferenceStarted,
  upstreamId: string,
): InferenceUpstreamIdentified => ({
  type: 'InferenceUpstreamIdentified',
  eventId: randomUUID(),
  occurredAt: i.occurredAt,
  data: { callId: i.data.callId, upstreamId },
});

/** The intent's call cancelled at shutdown, its cost unknown (so the estimate). */
export const cancelledOf = (
  i: InferenceStarted,
  at = Date.parse(i.occurredAt),
): InferenceEvent => ({
  type: 'InferenceCancelled',
  eventId: randomUUID(),
  occurredAt: i.occurredAt,
  data: {
    ...factsOf(i, at - Date.parse(i.occurredAt)),
    reason: 'shutdown',
    errorCode: 'unavailable',
    errorMessage: 'the service is shutting down',
    inputTokens: 0,
    outputTokens: 0,
    costNanos: i.data.estimatedCostNanos,
    costEstimated: true,
    reportedCostNanos: null,
    attempts: 1,
    upstreamId: 'gen-cancelled',
  },
});

/** The intent's call settled as interrupted (its instance died). */
export const interruptedOf = (i: InferenceStarted, settledBy = 'instance-b'): InferenceEvent => ({
  type: 'InferenceInterrupted',
  eventId: randomUUID(),
  occurredAt: i.occurredAt,
  data: {
    ...factsOf(i, 0),
    costNanos: i.data.estimatedCostNanos,
    costEstimated: true,
    upstreamId: null,
    ownerInstanceId: i.data.instanceId,
    settledBy,
  },
});

const reconcilable = (status: CallRecord['status']): 'cancelled' | 'interrupted' => {
  if (status === 'cancelled' || status === 'interrupted') return status;
  throw new Error(`a ${status} record is never reconciled: its cost was never an estimate`);
};

/**
 * What `/generation` reported for a recorded call, as the reconciler records it, but with an
 * event id of its own each time (so a test can reconcile one call twice).
 */
export const reconciledOf = (
  r: CallRecord,
  figures: { inputTokens: number; outputTokens: number; costNanos: number },
): InferenceReconciled => ({
  ...reconciliationOf(
    { ...r, status: reconcilable(r.status), upstreamId: 'gen-reconciled' },
    figures,
    Date.parse(r.createdAt) + 60_000,
  ),
  eventId: randomUUID(),
});

import { createHash } from 'node:crypto';
import type { InferenceInterrupted, InferenceStarted } from '../../domain';
import type { CallLog, EventPublisher, InstanceLeases } from '../../ports';

/** What settling interrupted calls needs. */
export interface SettleInterruptedDeps {
  readonly leases: InstanceLeases;
  readonly log: CallLog;
  readonly publisher: EventPublisher;
  /** The instance doing the settling. */
  readonly instanceId: string;
}

/** Orphans settled per append. */
const BATCH = 500;

/**
 * The event id of a call's interruption, the same whoever settles it: two live instances
 * settling one orphan at once append one event (appends are idempotent by event id).
 */
export const interruptionEventId = (callId: string): string => {
  const h = createHash('sha256').update(`interrupted:${callId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The `interrupted` outcome of an orphaned intent: its estimate as cost, flagged as such. */
export const interruptionOf = (i: InferenceStarted, settledBy: string): InferenceInterrupted => {
  const d = i.data;
  return {
    type: 'InferenceInterrupted',
    eventId: interruptionEventId(d.callId),
    // The record's created_at is when the call began, as for every other outcome.
    occurredAt: i.occurredAt,
    data: {
      callId: d.callId,
      level: d.level,
      purpose: d.purpose,
      model: d.model,
      inputHash: d.inputHash,
      projectId: d.projectId,
      agentId: d.agentId,
      commandId: d.commandId,
      turnId: d.turnId,
      latencyMs: 0,
      costNanos: d.estimatedCostNanos,
      costEstimated: true,
      upstreamId: null,
      ownerInstanceId: d.instanceId,
      settledBy,
    },
  };
};

/**
 * Settles the calls of dead instances: every orphaned intent becomes an `interrupted` record.
 * Resolves with how many were settled.
 */
export const makeSettleInterrupted = (d: SettleInterruptedDeps) => async (): Promise<number> => {
  let settled = 0;
  const seen = new Set<string>();
  for (;;) {
    // An orphan seen twice means its settlement went to the backlog: the next round retries.
    const orphans = (await d.leases.orphans(BATCH)).filter((o) => !seen.has(o.data.callId));
    if (orphans.length === 0) return settled;
    for (const o of orphans) seen.add(o.data.callId);
    const events = orphans.map((o) => interruptionOf(o, d.instanceId));
    await d.log.append(events);
    for (const e of events) d.publisher.publish(e);
    settled += events.length;
    if (orphans.length < BATCH) return settled;
  }
};

import { derivedEventId, type InferenceInterrupted, type OpenIntent } from '../../domain';
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
export const interruptionEventId = (callId: string): string =>
  derivedEventId(`interrupted:${callId}`);

/**
 * The `interrupted` outcome of an orphaned intent: its estimate as cost, flagged as such, with
 * the generation id the call was given when it was recorded (so it can be reconciled).
 */
export const interruptionOf = (i: OpenIntent, settledBy: string): InferenceInterrupted => {
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
      keyId: d.keyId ?? null,
      latencyMs: 0,
      costNanos: d.estimatedCostNanos,
      costEstimated: true,
      upstreamId: i.upstreamId,
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

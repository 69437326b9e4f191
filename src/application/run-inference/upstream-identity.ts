import type { InferenceUpstreamIdentified } from '../../domain';
import type { CallLog, Clock } from '../../ports';

/** What keeping a call's generation id needs. */
export interface IdentityDeps {
  readonly log: CallLog;
  readonly clock: Clock;
  readonly newId: () => string;
  /**
   * A call still running this long after its generation id is known has the id made durable
   * (`InferenceUpstreamIdentified`); one that ends sooner never writes it (its outcome carries it).
   */
  readonly afterMs: number;
}

/** A call's generation id while it runs. */
export interface UpstreamIdentity {
  /** The latest id learnt (each attempt has its own), or null. */
  readonly id: string | null;
  /** Learns an id; given to the gateway as `onUpstreamId`. */
  readonly learn: (upstreamId: string) => void;
  /** The call is over: nothing more is written for it. */
  readonly end: () => void;
}

/**
 * Keeps a call's generation id and, if the call is still running `afterMs` later, appends it to
 * the log without waiting (fire-and-forget), so that if this process dies the call's intent
 * still names it and the `interrupted` record can be reconciled. Nobody waits for that append,
 * so it adds nothing to the answer's latency; a failure to make it durable is the call log's to
 * log and only leaves such a call at its estimate. Calls that end sooner (most plain ones)
 * write nothing extra.
 */
export const upstreamIdentity = (d: IdentityDeps, callId: string): UpstreamIdentity => {
  let id: string | null = null;
  let over = false;
  let cancel: (() => void) | undefined;
  const write = (upstreamId: string) => () => {
    cancel = undefined;
    if (over) return;
    const e: InferenceUpstreamIdentified = {
      type: 'InferenceUpstreamIdentified',
      eventId: d.newId(),
      occurredAt: new Date(d.clock.now()).toISOString(),
      data: { callId, upstreamId },
    };
    d.log.append([e]).catch(() => undefined);
  };
  return {
    get id() {
      return id;
    },
    learn: (upstreamId) => {
      if (over || upstreamId === id) return;
      id = upstreamId;
      cancel?.();
      cancel = d.clock.schedule(d.afterMs, write(upstreamId));
    },
    end: () => {
      over = true;
      cancel?.();
    },
  };
};

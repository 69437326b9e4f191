import type { InferenceEvent, TraceParent } from '../domain';

/** The stages of one call, in order: what the gateway adds around the upstream call. */
export type CallStage = 'admit' | 'intent' | 'upstream' | 'outcome' | 'respond';

/** How long an append waited for its batch, then how long its batch took (ms). */
export interface AppendTiming {
  readonly waitMs: number;
  readonly workMs: number;
}

/**
 * One call as whoever received it (the HTTP adapter) watches it: the use case marks its stages
 * as it moves on and hands over its outcome event once recorded; the receiver reads the times
 * (monotonic) when the answer is out, and logs the call with its request.
 */
export interface CallObserver {
  /** The W3C trace the call runs in (32 lowercase hex), when its receiver knows one. */
  readonly traceId?: string | undefined;
  /**
   * The call's own span, when it is traced: what the gateway makes its upstream attempts the
   * children of (passed along explicitly, so no context has to follow the call's awaits).
   */
  readonly traceParent?: TraceParent | undefined;
  /** Set when the call came over the network: the `traceparent` header it carried, if any. */
  readonly incoming?: { readonly traceparent: string | undefined };
  /** The call is in `stage` from now on (ending the stage before). */
  enter(stage: CallStage): void;
  /** The call starts waiting within its stage (for rate-limit capacity, a budget, …). */
  waitFrom(): void;
  /** The wait begun by `waitFrom` ends. */
  waitTo(): void;
  /** What the log said of the append the current stage made. */
  appended(t: AppendTiming | void): void;
  /** The call's outcome, recorded (before it is published). */
  recorded(e: InferenceEvent): void;
}

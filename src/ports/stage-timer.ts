/** The stages of one call, in order: what the gateway adds around the upstream call. */
export type CallStage = 'admit' | 'intent' | 'upstream' | 'outcome' | 'respond';

/** How long an append waited for its batch, then how long its batch took (ms). */
export interface AppendTiming {
  readonly waitMs: number;
  readonly workMs: number;
}

/**
 * One call's stage timer, made by whoever received the call (the HTTP adapter) and marked by
 * the use case as the call moves on; the receiver reads it when the answer is out. Monotonic.
 */
export interface StageTimer {
  /** The call is in `stage` from now on (ending the stage before). */
  enter(stage: CallStage): void;
  /** The call starts waiting within its stage (for rate-limit capacity, a budget, …). */
  waitFrom(): void;
  /** The wait begun by `waitFrom` ends. */
  waitTo(): void;
  /** What the log said of the append the current stage made. */
  appended(t: AppendTiming | void): void;
}

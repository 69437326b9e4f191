import { performance } from 'node:perf_hooks';
import { parseTraceparent, type InferenceEvent } from '../../domain';
import type { AppendTiming, CallStage, CallObserver } from '../../ports';

/** One stage of a finished call: its whole time and the part of it spent waiting (ms). */
export interface StageTime {
  readonly stage: CallStage;
  readonly ms: number;
  /** Absent for a stage with no wait of its own. */
  readonly waitMs?: number;
}

/** What the access line of a request says of the call it made. */
export const callLogFields = (e: InferenceEvent) => ({
  callId: e.data.callId,
  event: e.type,
  // Not `level`: that key is the log line's own severity.
  inferenceLevel: e.data.level,
  model: e.data.model,
  latencyMs: e.data.latencyMs,
  ...(e.data.traceId ? { trace_id: e.data.traceId } : {}),
  ...(e.data.keyId ? { key_id: e.data.keyId } : {}),
  ...(e.type === 'InferenceFailed' ? { code: e.data.errorCode, attempts: e.data.attempts } : {}),
  ...(e.type === 'InferenceSucceeded' ? { attempts: e.data.attempts } : {}),
  ...(e.type === 'InferenceRateLimited' ? { limit: e.data.limit } : {}),
});

/**
 * How the HTTP frame watches the call a request makes: its stage times over the monotonic clock
 * (time before the use case's first mark, reading and parsing the body, counts as `admit`), and
 * its outcome, which the request's access line then carries (one log line per call). An outcome
 * recorded after that line was written (a stream still running) is left to be logged alone.
 */
export class HttpCallObserver implements CallObserver {
  private stage: CallStage = 'admit';
  private since = performance.now();
  private waitingSince: number | null = null;
  private readonly ms = new Map<CallStage, number>();
  private readonly waits = new Map<CallStage, number>();
  /** Whether a use case timed anything (the request was a call). */
  used = false;
  /** The call's outcome, for the access line. */
  event: InferenceEvent | undefined;
  private lineWritten = false;

  /** The caller's trace (from its `traceparent`), kept on the record even with tracing off. */
  readonly traceId: string | undefined;
  readonly incoming: { readonly traceparent: string | undefined };

  /** `withRequest` collects the outcomes logged with their request. */
  constructor(
    private readonly withRequest?: WeakSet<object>,
    traceparent?: string,
  ) {
    this.incoming = { traceparent };
    this.traceId = parseTraceparent(traceparent)?.traceId;
  }

  recorded(e: InferenceEvent): void {
    if (this.lineWritten) return;
    this.event = e;
    this.withRequest?.add(e);
  }

  /** The access line is being written: fields of the call for it, if it was recorded. */
  lineFields(): ReturnType<typeof callLogFields> | undefined {
    this.lineWritten = true;
    return this.event ? callLogFields(this.event) : undefined;
  }

  enter(stage: CallStage): void {
    this.used = true;
    const now = performance.now();
    this.ms.set(this.stage, (this.ms.get(this.stage) ?? 0) + (now - this.since));
    this.stage = stage;
    this.since = now;
  }

  waitFrom(): void {
    this.used = true;
    this.waitingSince = performance.now();
  }

  waitTo(): void {
    if (this.waitingSince === null) return;
    this.addWait(performance.now() - this.waitingSince);
    this.waitingSince = null;
  }

  appended(t: AppendTiming | void): void {
    if (t) this.addWait(t.waitMs);
  }

  /** Ends the current stage now; every stage the call went through, in order. */
  finish(): StageTime[] {
    this.enter(this.stage);
    const out: StageTime[] = [];
    for (const [stage, ms] of this.ms) {
      const waitMs = this.waits.get(stage);
      out.push(waitMs === undefined ? { stage, ms } : { stage, ms, waitMs: Math.min(waitMs, ms) });
    }
    return out;
  }

  private addWait(ms: number): void {
    this.waits.set(this.stage, (this.waits.get(this.stage) ?? 0) + ms);
  }
}

import { performance } from 'node:perf_hooks';
import type { AppendTiming, CallStage, StageTimer } from '../../ports';

/** One stage of a finished call: its whole time and the part of it spent waiting (ms). */
export interface StageTime {
  readonly stage: CallStage;
  readonly ms: number;
  /** Absent for a stage with no wait of its own. */
  readonly waitMs?: number;
}

/**
 * A call's stage timer over the monotonic clock, made per request by the HTTP frame. Time
 * before the use case's first mark (reading and parsing the body) counts as `admit`.
 */
export class CallStages implements StageTimer {
  private stage: CallStage = 'admit';
  private since = performance.now();
  private waitingSince: number | null = null;
  private readonly ms = new Map<CallStage, number>();
  private readonly waits = new Map<CallStage, number>();
  /** Whether a use case timed anything (the request was a call). */
  used = false;

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

import { ManualClock } from '../../src/adapters/in-memory';

/** A timer as scheduled: when it is due, and when it actually ran. */
export interface ScheduledTimer {
  readonly due: number;
  firedAt?: number;
}

/** A ManualClock that keeps every timer it was given, so a test can see when waits end. */
export class RecordingClock extends ManualClock {
  readonly scheduled: ScheduledTimer[] = [];

  override schedule(ms: number, fn: () => void): () => void {
    const timer: ScheduledTimer = { due: this.now() + Math.max(0, ms) };
    this.scheduled.push(timer);
    return super.schedule(ms, () => {
      timer.firedAt = this.now();
      fn();
    });
  }
}

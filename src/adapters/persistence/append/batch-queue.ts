import { performance } from 'node:perf_hooks';
import type { CallLogEvent } from '../../../domain';
import type { AppendTiming } from '../../../ports';

/** One append waiting for its batch. */
export interface Waiter {
  readonly events: readonly CallLogEvent[];
  readonly resolve: (t: AppendTiming) => void;
  readonly reject: (e: Error) => void;
  /** When it was queued and when its batch took it (monotonic ms), for its timing. */
  queuedAt?: number;
  takenAt?: number;
}

/** The events of some waiters, in order. */
export const eventsOf = (ws: readonly Waiter[]): CallLogEvent[] => ws.flatMap((w) => w.events);

/** Appends waiting to be written, counted in events until each is settled. */
export class BatchQueue {
  private waiters: Waiter[] = [];
  private count = 0;

  /** Events accepted and not yet settled (waiting or being written). */
  get events(): number {
    return this.count;
  }

  /** Appends not yet taken into a batch. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Adds an append; it counts until settled. */
  push(w: Waiter): void {
    w.queuedAt = performance.now();
    this.waiters.push(w);
    this.count += w.events.length;
  }

  /** The oldest appends, whole, up to `max` events (at least one append). */
  take(max: number): Waiter[] {
    const batch: Waiter[] = [];
    let n = 0;
    for (const next of this.waiters) {
      if (batch.length > 0 && n + next.events.length > max) break;
      batch.push(next);
      n += next.events.length;
    }
    this.waiters.splice(0, batch.length);
    const now = performance.now();
    for (const w of batch) w.takenAt = now;
    return batch;
  }

  /** Resolves (or rejects) taken appends and stops counting them. */
  settle(batch: readonly Waiter[], error?: Error): void {
    this.count -= eventsOf(batch).length;
    const now = performance.now();
    for (const w of batch) {
      if (error) w.reject(error);
      else {
        const taken = w.takenAt ?? now;
        w.resolve({ waitMs: taken - (w.queuedAt ?? taken), workMs: now - taken });
      }
    }
  }
}

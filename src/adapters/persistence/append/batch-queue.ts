import type { CallLogEvent } from '../../../domain';

/** One append waiting for its batch. */
export interface Waiter {
  readonly events: readonly CallLogEvent[];
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
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

  /** Adds an append; it counts until settled. */
  push(w: Waiter): void {
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
    return batch;
  }

  /** Resolves (or rejects) taken appends and stops counting them. */
  settle(batch: readonly Waiter[], error?: Error): void {
    this.count -= eventsOf(batch).length;
    for (const w of batch) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }
}

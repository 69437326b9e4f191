import { isOutcome, type CallLogEvent } from '../../../domain';

/**
 * Backlog room reserved at intent time: each accepted intent (`InferenceStarted`) reserves the
 * room of its call's outcome, which is then never refused. So when the database is away and the
 * backlog fills, calls are refused before they spend (their intent is), never after.
 */
export class Reservations {
  private readonly calls = new Set<string>();

  /** Calls holding a reservation. */
  get size(): number {
    return this.calls.size;
  }

  /**
   * Why `events` cannot be taken, or null. During an outage an intent needs room for itself and
   * for every reserved outcome within `maxBacklog`; events without a reservation get headroom up
   * to twice the limit (calls already past the `health().full` check).
   */
  refusal(
    events: readonly CallLogEvent[],
    pending: number,
    outage: boolean,
    maxBacklog: number,
  ): string | null {
    let intents = 0;
    let unreserved = 0;
    for (const e of events) {
      if (e.type === 'InferenceStarted') intents++;
      else if (!isOutcome(e) || !this.calls.has(e.data.callId)) unreserved++;
    }
    if (intents > 0 && outage && pending + this.calls.size + intents + unreserved > maxBacklog) {
      return `the call log backlog is full (${pending} events, ${this.calls.size} calls in flight)`;
    }
    if (intents + unreserved > 0 && pending + intents + unreserved > 2 * maxBacklog) {
      return `the call log backlog is full (${pending} events)`;
    }
    return null;
  }

  /** Takes the reservations of accepted intents and releases those of their outcomes. */
  accept(events: readonly CallLogEvent[]): void {
    for (const e of events) {
      if (e.type === 'InferenceStarted') this.calls.add(e.data.callId);
      else if (isOutcome(e)) this.calls.delete(e.data.callId);
    }
  }
}

import { err, ok, type Result } from 'neverthrow';
import { reservationOf, WINDOW_MS, type LimitName, type RateLimits } from '../../domain';
import type { Clock, LimiterSnapshot, Permit, RateLimiter, RateLimitRejection } from '../../ports';

interface Slot {
  readonly at: number;
  tokens: number;
  /** Still inside the window the next admission is computed against. */
  counted: boolean;
}

/**
 * An exact sliding-window limiter. Every admission is a slot at the time it may start; a new
 * request gets the earliest time, no earlier than the last slot (FIFO), at which the 60-second
 * window ending there holds fewer than `callsPerMinute` slots and room for its tokens. Slots in
 * the future are waiting requests. If that time is further than `maxWaitMs` away, or the queue
 * is full, the request is rejected at once with the exact wait it would have needed.
 */
export class InMemoryRateLimiter implements RateLimiter {
  private slots: Slot[] = [];
  /** Index of the first slot counted against the next admission. */
  private lo = 0;
  private windowTokens = 0;
  private lastAt = -Infinity;
  /** The limit that set the last slot's time: what a request queued behind it waits for. */
  private lastBinding: LimitName = 'calls_per_minute';
  private waiting = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limits: RateLimits,
  ) {}

  acquire(requested: number): Promise<Result<Permit, RateLimitRejection>> {
    const now = this.clock.now();
    const tokens = reservationOf(requested, this.limits.tokensPerMinute);
    let at = Math.max(now, this.lastAt);
    let lo = this.lo;
    let sum = this.windowTokens;
    let binding: LimitName = at > now ? this.lastBinding : 'calls_per_minute';
    const out = (): void => {
      sum -= this.slots[lo]!.tokens;
      lo++;
    };
    while (lo < this.slots.length && this.slots[lo]!.at <= at - WINDOW_MS) out();
    for (;;) {
      // An empty window holds no tokens, whatever rounding or a bad settle left in the sum.
      if (lo === this.slots.length) sum = 0;
      const callsFull = this.slots.length - lo + 1 > this.limits.callsPerMinute;
      const tokensFull = sum + tokens > this.limits.tokensPerMinute;
      if (!callsFull && !tokensFull) break;
      binding = callsFull ? 'calls_per_minute' : 'tokens_per_minute';
      at = this.slots[lo]!.at + WINDOW_MS;
      out();
      while (lo < this.slots.length && this.slots[lo]!.at <= at - WINDOW_MS) out();
    }
    const waitMs = at - now;
    if (waitMs > this.limits.maxWaitMs || (waitMs > 0 && this.waiting >= this.limits.maxQueue)) {
      return Promise.resolve(err({ limit: binding, retryAfterMs: Math.max(1, waitMs) }));
    }
    for (let i = this.lo; i < lo; i++) this.slots[i]!.counted = false;
    const slot: Slot = { at, tokens, counted: true };
    this.slots.push(slot);
    this.lo = lo;
    this.windowTokens = sum + tokens;
    this.lastAt = at;
    this.lastBinding = binding;
    this.compact(now);
    const permit: Permit = {
      settle: (actual) => {
        // A usage that is not a number keeps the reservation rather than erasing it.
        if (!Number.isFinite(actual)) return;
        const next = Math.max(0, Math.ceil(actual));
        if (slot.counted) this.windowTokens += next - slot.tokens;
        slot.tokens = next;
      },
    };
    if (waitMs <= 0) return Promise.resolve(ok(permit));
    this.waiting++;
    return new Promise((resolve) =>
      this.clock.schedule(waitMs, () => {
        this.waiting--;
        resolve(ok(permit));
      }),
    );
  }

  snapshot(): LimiterSnapshot {
    const now = this.clock.now();
    let callsInWindow = 0;
    let tokensInWindow = 0;
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const s = this.slots[i]!;
      if (s.at <= now - WINDOW_MS) break;
      if (s.at > now) continue;
      callsInWindow++;
      tokensInWindow += s.tokens;
    }
    return { callsInWindow, tokensInWindow, waiting: this.waiting };
  }

  /** Drops slots that no window can count any more, once they are most of the array. */
  private compact(now: number): void {
    if (this.lo < 1024 || this.lo * 2 < this.slots.length) return;
    let drop = 0;
    while (drop < this.lo && this.slots[drop]!.at <= now - WINDOW_MS) drop++;
    if (drop === 0) return;
    this.slots = this.slots.slice(drop);
    this.lo -= drop;
  }
}

import { err, ok, type Result } from 'neverthrow';
import { reservationOf, type LimitName, type RateLimits } from '../../domain';
import type { Clock, LimiterSnapshot, Permit, RateLimiter, RateLimitRejection } from '../../ports';
import { ACQUIRE, SETTLE, SNAPSHOT } from './limiter-scripts';
import type { RedisLink } from './redis-link';
import { InFlightScripts } from './in-flight-scripts';

/** How a RedisRateLimiter is set up. */
export interface RedisRateLimiterOptions {
  readonly limits: RateLimits;
  /** Prefix of every key: instances that share limits share it. */
  readonly keyPrefix: string;
  /** Schedules waits; with `time: 'clock'` also tells the time. */
  readonly clock: Clock;
  /** Serves while Redis is unreachable: limits per instance, never none. */
  readonly fallback: RateLimiter;
  /** 'server' (default): Redis TIME, so instances agree whatever their clocks. 'clock': tests. */
  readonly time?: 'server' | 'clock';
}

type Outcome = Promise<Result<Permit, RateLimitRejection>>;
const SNAPSHOT_MAX_AGE_MS = 1000;
const LIMITS: ReadonlySet<unknown> = new Set<LimitName>(['calls_per_minute', 'tokens_per_minute']);

/**
 * The sliding-window limiter of InMemoryRateLimiter, shared by every instance through one
 * atomic Lua script per decision. The reply says how long to wait; the wait runs here.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly keys: readonly string[];
  private readonly inflight = new InFlightScripts();
  private last: LimiterSnapshot = { callsInWindow: 0, tokensInWindow: 0, waiting: 0 };
  private refreshedAt = -Infinity;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly link: RedisLink,
    private readonly o: RedisRateLimiterOptions,
  ) {
    // One hash tag over the prefix: a cluster keeps the three keys in one slot, as scripts need.
    const base = `{${o.keyPrefix}rate}`;
    this.keys = [`${base}:slots`, `${base}:tokens`, `${base}:state`];
  }

  acquire(requested: number): Outcome {
    const decided = this.decide(reservationOf(requested, this.o.limits.tokensPerMinute));
    return this.inflight.track(decided).then((d) => d.outcome);
  }

  /** The last window read from Redis (refreshed in the background), or the fallback's. */
  snapshot(): LimiterSnapshot {
    if (!this.link.usable()) return this.o.fallback.snapshot();
    if (this.o.clock.now() - this.refreshedAt >= SNAPSHOT_MAX_AGE_MS) void this.refresh();
    return this.last;
  }

  /** Reads the window from Redis now. */
  refresh(): Promise<void> {
    this.refreshing ??= SNAPSHOT.run(this.link.client, this.keys, [this.now()])
      .then((r) => {
        const [calls, tokens, waiting] = Array.isArray(r) ? (r as unknown[]) : [];
        if (typeof calls !== 'number' || typeof tokens !== 'number') throw badReply(r);
        this.last = { callsInWindow: calls, tokensInWindow: tokens, waiting: Number(waiting) };
        this.refreshedAt = this.o.clock.now();
        this.link.succeeded();
      })
      .catch((e: unknown) => this.link.failed(e))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Waits for decisions and settlements in flight, then refreshes the snapshot. */
  async flush(): Promise<void> {
    await this.inflight.drained();
    if (this.link.usable()) await this.refresh();
  }

  /** One decision; resolves once any wait is scheduled, carrying the caller's outcome. */
  private async decide(tokens: number): Promise<{ outcome: Outcome }> {
    const { limits, clock, fallback } = this.o;
    if (!this.link.usable()) return { outcome: fallback.acquire(tokens) };
    let reply: unknown;
    try {
      reply = await ACQUIRE.run(this.link.client, this.keys, [
        limits.callsPerMinute,
        limits.tokensPerMinute,
        limits.maxWaitMs,
        limits.maxQueue,
        tokens,
        this.now(),
      ]);
      this.link.succeeded();
    } catch (e) {
      this.link.failed(e);
      return { outcome: fallback.acquire(tokens) };
    }
    const [admitted, wait, limit, id] = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (typeof wait !== 'number' || !LIMITS.has(limit)) {
      // Never let a caller hang or run unlimited on a reply we cannot read: fall back, loudly.
      this.link.failed(badReply(reply));
      return { outcome: fallback.acquire(tokens) };
    }
    if (admitted !== 1 || typeof id !== 'string') {
      const rejection = { limit: limit as LimitName, retryAfterMs: Math.max(1, wait) };
      return { outcome: Promise.resolve(err(rejection)) };
    }
    const permit: Permit = { settle: (actual) => this.settle(id, actual) };
    if (wait <= 0) return { outcome: Promise.resolve(ok(permit)) };
    return { outcome: new Promise((resolve) => clock.schedule(wait, () => resolve(ok(permit)))) };
  }

  private settle(id: string, actual: number): void {
    if (!Number.isFinite(actual) || !this.link.usable()) return;
    const used = Math.max(0, Math.ceil(actual));
    this.inflight
      .track(SETTLE.run(this.link.client, this.keys, [id, used]))
      .catch((e: unknown) => this.link.failed(e));
  }

  private now(): string {
    return this.o.time === 'clock' ? String(this.o.clock.now()) : '';
  }
}

const badReply = (r: unknown): Error =>
  new Error(`unexpected reply from the limiter script: ${JSON.stringify(r)}`);

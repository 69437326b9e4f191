import type { Result } from 'neverthrow';
import type { RateLimits } from '../../src/domain';
import type { Clock, Permit, RateLimiter, RateLimitRejection } from '../../src/ports';
import { RecordingClock } from '../support/recording-clock';
import { limiterProperty } from './rate-limiter.property';

/** A limiter under test, with a way to let its I/O land. */
export interface LimiterDriver {
  readonly limiter: RateLimiter;
  /** Lets decisions and settlements in flight land (nothing to wait for in process). */
  sync(): Promise<void>;
}

/** Builds a limiter with its own, empty state over `clock`. */
export type MakeLimiter = (limits: RateLimits, clock: Clock) => Promise<LimiterDriver>;

type Outcome = Result<Permit, RateLimitRejection>;
const BASE: RateLimits = {
  callsPerMinute: 1000,
  tokensPerMinute: 1_000_000,
  maxWaitMs: 0,
  maxQueue: 1000,
};

/** The RateLimiter port's contract: exact sliding windows, FIFO waits, exact retryAfterMs. */
export const rateLimiterContract = (name: string, make: MakeLimiter, propertyRuns: number) => {
  describe(`RateLimiter contract: ${name}`, () => {
    const setup = async (limits: Partial<RateLimits>) => {
      const clock = new RecordingClock();
      const d = await make({ ...BASE, ...limits }, clock);
      const settled = async () => {
        await d.sync();
        await new Promise((r) => setImmediate(r));
      };
      /** Starts a request and lets its decision land; `outcome` stays undefined while it waits. */
      const acquire = async (tokens = 1) => {
        const seen: { outcome?: Outcome } = {};
        const done = d.limiter.acquire(tokens).then((o) => (seen.outcome = o));
        await settled();
        return Object.assign(seen, { done });
      };
      const advance = async (ms: number) => {
        clock.advance(ms);
        await settled();
      };
      return { clock, limiter: d.limiter, sync: settled, acquire, advance };
    };
    const rejection = (o?: Outcome) => (o?.isErr() ? o.error : undefined);
    const admitted = (o?: Outcome) => o?.isOk() === true;

    it('admits up to calls_per_minute, then rejects at once with the limit and exact wait', async () => {
      const t = await setup({ callsPerMinute: 3 });
      for (let i = 0; i < 3; i++) expect(admitted((await t.acquire()).outcome)).toBe(true);
      await t.advance(10_000);
      const r = rejection((await t.acquire()).outcome);
      expect(r).toEqual({ limit: 'calls_per_minute', retryAfterMs: 50_000 });
      await t.advance(49_999);
      expect(rejection((await t.acquire()).outcome)?.retryAfterMs).toBe(1);
      await t.advance(1);
      expect(admitted((await t.acquire()).outcome)).toBe(true);
    });

    it('reserves tokens against tokens_per_minute; a rejected request holds no capacity', async () => {
      const t = await setup({ tokensPerMinute: 100 });
      expect(admitted((await t.acquire(60)).outcome)).toBe(true);
      const r = rejection((await t.acquire(50)).outcome);
      expect(r).toEqual({ limit: 'tokens_per_minute', retryAfterMs: 60_000 });
      expect(admitted((await t.acquire(40)).outcome)).toBe(true);
      await t.advance(60_000);
      expect(admitted((await t.acquire(50)).outcome)).toBe(true);
    });

    it('slides: each slot frees exactly 60 s after its own start', async () => {
      const t = await setup({ callsPerMinute: 2 });
      await t.acquire();
      await t.advance(30_000);
      await t.acquire();
      await t.advance(10_000);
      expect(rejection((await t.acquire()).outcome)?.retryAfterMs).toBe(20_000);
      await t.advance(20_000);
      expect(admitted((await t.acquire()).outcome)).toBe(true);
      expect(rejection((await t.acquire()).outcome)?.retryAfterMs).toBe(30_000);
    });

    it('queues in FIFO order while capacity comes within max_wait_ms', async () => {
      const t = await setup({ callsPerMinute: 2, maxWaitMs: 60_000 });
      await t.acquire();
      await t.acquire();
      const order: string[] = [];
      const c = await t.acquire();
      const d = await t.acquire();
      void c.done.then(() => order.push('c'));
      void d.done.then(() => order.push('d'));
      expect(rejection((await t.acquire()).outcome)).toEqual({
        limit: 'calls_per_minute',
        retryAfterMs: 120_000,
      });
      await t.advance(59_999);
      expect([c.outcome, d.outcome]).toEqual([undefined, undefined]);
      await t.advance(1);
      expect([admitted(c.outcome), admitted(d.outcome)]).toEqual([true, true]);
      expect(order).toEqual(['c', 'd']);
    });

    it('bounds the queue by max_queue, rejecting at once with the wait it would have had', async () => {
      const t = await setup({ callsPerMinute: 1, maxWaitMs: 600_000, maxQueue: 1 });
      await t.acquire();
      const waiting = await t.acquire();
      expect(waiting.outcome).toBeUndefined();
      const r = rejection((await t.acquire()).outcome);
      expect(r).toEqual({ limit: 'calls_per_minute', retryAfterMs: 120_000 });
      await t.advance(60_000);
      expect(admitted(waiting.outcome)).toBe(true);
    });

    it('names tokens_per_minute for a request queued behind a token wait', async () => {
      const t = await setup({ tokensPerMinute: 100, maxWaitMs: 30_000, maxQueue: 1 });
      await t.acquire(90);
      await t.advance(40_000);
      const waiting = await t.acquire(50);
      expect(waiting.outcome).toBeUndefined();
      expect(rejection((await t.acquire(1)).outcome)).toEqual({
        limit: 'tokens_per_minute',
        retryAfterMs: 20_000,
      });
    });

    it('settle corrects the reservation down and up', async () => {
      const t = await setup({ tokensPerMinute: 100 });
      const first = await t.acquire(80);
      first.outcome?._unsafeUnwrap().settle(10);
      await t.sync();
      expect(admitted((await t.acquire(80)).outcome)).toBe(true);
      expect(rejection((await t.acquire(20)).outcome)?.limit).toBe('tokens_per_minute');

      const u = await setup({ tokensPerMinute: 100 });
      (await u.acquire(10)).outcome?._unsafeUnwrap().settle(95);
      await u.sync();
      expect(rejection((await u.acquire(10)).outcome)).toEqual({
        limit: 'tokens_per_minute',
        retryAfterMs: 60_000,
      });
    });

    it('charges a request over tokens_per_minute the whole budget, so it still runs alone', async () => {
      const t = await setup({ tokensPerMinute: 100 });
      expect(admitted((await t.acquire(250)).outcome)).toBe(true);
      expect(rejection((await t.acquire(1)).outcome)?.retryAfterMs).toBe(60_000);
    });

    it('never counts a token count that is not a number as free', async () => {
      const t = await setup({ tokensPerMinute: 100 });
      const p = await t.acquire(Number.NaN);
      expect(admitted(p.outcome)).toBe(true);
      expect(rejection((await t.acquire(1)).outcome)?.limit).toBe('tokens_per_minute');
      p.outcome?._unsafeUnwrap().settle(Number.NaN);
      await t.sync();
      expect(rejection((await t.acquire(1)).outcome)?.limit).toBe('tokens_per_minute');
    });

    it('reports calls and tokens in the window and the waiting requests', async () => {
      const t = await setup({ callsPerMinute: 2, maxWaitMs: 60_000 });
      await t.acquire(10);
      await t.acquire(20);
      await t.acquire(5);
      await t.sync();
      expect(t.limiter.snapshot()).toEqual({ callsInWindow: 2, tokensInWindow: 30, waiting: 1 });
      await t.advance(60_000);
      expect(t.limiter.snapshot()).toEqual({ callsInWindow: 1, tokensInWindow: 5, waiting: 0 });
    });

    it('admits exactly 50 of 500 simultaneous requests at calls_per_minute 50', async () => {
      const t = await setup({ callsPerMinute: 50 });
      const all = await Promise.all(Array.from({ length: 500 }, () => t.limiter.acquire(1)));
      expect(all.filter((o) => o.isOk())).toHaveLength(50);
      const limits = new Set(all.filter((o) => o.isErr()).map((o) => rejection(o)?.limit));
      expect([...limits]).toEqual(['calls_per_minute']);
    });

    it(
      'never lets a 60 s window exceed a limit, nor rejects a request that would have fit',
      () => limiterProperty(make, propertyRuns),
      60_000,
    );
  });
};

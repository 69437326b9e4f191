import fc from 'fast-check';
import type { RateLimits } from '../../src/domain';
import type { Permit, RateLimitRejection } from '../../src/ports';
import { RecordingClock } from '../support/recording-clock';
import { fitsAt, overfullWindows, type Slot } from './limiter-oracle';
import type { MakeLimiter } from './rate-limiter.contract';

interface Request {
  readonly reserved: number;
  readonly used: number;
  at?: number;
  permit?: Permit;
  rejected?: RateLimitRejection;
  settled: boolean;
}

const arbLimits = fc.record({
  callsPerMinute: fc.integer({ min: 1, max: 6 }),
  tokensPerMinute: fc.integer({ min: 10, max: 200 }),
  maxWaitMs: fc.integer({ min: 0, max: 150_000 }),
});
const arbArrivals = fc.array(
  fc.record({
    gap: fc.integer({ min: 0, max: 45_000 }),
    size: fc.integer({ min: 0, max: 250 }),
    usedShare: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  { minLength: 1, maxLength: 40 },
);

/**
 * Random arrival times and sizes on a manual clock, each decision checked against a brute-force
 * oracle over the calls admitted before it: an admission starts at the earliest time that keeps
 * every 60 s window within both limits (and no earlier than the call queued before it); a
 * rejection could not have started within max_wait_ms, and its retryAfterMs is the exact time
 * it first could. Calls settle to a random share of their reservation as they are admitted.
 */
export const limiterProperty = (make: MakeLimiter, numRuns: number): Promise<void> =>
  fc.assert(
    fc.asyncProperty(arbLimits, arbArrivals, async (l, arrivals) => {
      const limits: RateLimits = { ...l, maxQueue: 1_000_000 };
      const clock = new RecordingClock();
      const d = await make(limits, clock);
      const settle = async () => {
        await d.sync();
        await new Promise((r) => setImmediate(r));
      };
      const admitted: Request[] = [];
      let lastAt = -Infinity;
      for (const a of arrivals) {
        clock.advance(a.gap);
        await settle();
        for (const r of admitted) {
          if (r.permit && !r.settled) {
            r.permit.settle(r.used);
            r.settled = true;
          }
        }
        await settle();
        const view: Slot[] = admitted.map((r) => ({
          at: r.at!,
          tokens: r.settled ? r.used : r.reserved,
        }));
        const now = clock.now();
        const reserved = Math.min(a.size, limits.tokensPerMinute);
        const req: Request = { reserved, used: Math.floor(reserved * a.usedShare), settled: false };
        const timers = clock.scheduled.length;
        void d.limiter.acquire(a.size).then((o) =>
          o.match(
            (p) => (req.permit = p),
            (e) => (req.rejected = e),
          ),
        );
        await settle();
        const earliest = Math.max(now, lastAt);
        if (req.rejected) {
          const { retryAfterMs } = req.rejected;
          const latest = now + limits.maxWaitMs;
          if (latest >= lastAt) expect(fitsAt(view, latest, reserved, limits)).toBe(false);
          const retry = now + retryAfterMs;
          expect(retry).toBeGreaterThanOrEqual(earliest);
          expect(fitsAt(view, retry, reserved, limits)).toBe(true);
          if (retry - 1 >= earliest) expect(fitsAt(view, retry - 1, reserved, limits)).toBe(false);
          continue;
        }
        const at = clock.scheduled.length > timers ? clock.scheduled[timers]!.due : now;
        expect(req.permit !== undefined || at > now).toBe(true);
        expect(at).toBeGreaterThanOrEqual(earliest);
        expect(at - now).toBeLessThanOrEqual(limits.maxWaitMs);
        expect(fitsAt(view, at, reserved, limits)).toBe(true);
        if (at - 1 >= earliest) expect(fitsAt(view, at - 1, reserved, limits)).toBe(false);
        req.at = at;
        lastAt = at;
        admitted.push(req);
      }
      clock.advance(limits.maxWaitMs + 1);
      await settle();
      expect(admitted.every((r) => r.permit !== undefined)).toBe(true);
      expect(clock.scheduled.every((t) => t.firedAt === t.due)).toBe(true);
      const final = admitted.map((r) => ({ at: r.at!, tokens: r.settled ? r.used : r.reserved }));
      expect(overfullWindows(final, limits)).toEqual([]);
    }),
    { numRuns },
  );

import type { Result } from 'neverthrow';
import { ManualClock } from '../../src/adapters/in-memory';
import { periodWindow, type Budget } from '../../src/domain';
import type {
  BudgetLedger,
  BudgetRefusal,
  BudgetReservation,
  Clock,
  RecordedSpend,
} from '../../src/ports';
import { budgetLedgerProperty } from './budget-ledger.property';

/** A ledger under test, with a way to let its I/O land and read fresh tallies. */
export interface LedgerDriver {
  readonly ledger: BudgetLedger;
  /** Lets reservations and settlements in flight land, then refreshes the snapshot. */
  sync(): Promise<void>;
}

/** Builds a ledger over `budgets` with its own, empty state. */
export type MakeLedger = (
  budgets: readonly Budget[],
  clock: Clock,
  recorded?: RecordedSpend,
) => Promise<LedgerDriver>;

type Outcome = Result<BudgetReservation, BudgetRefusal>;
/** 2026-01-07T10:00:00Z, a Wednesday. */
const T0 = Date.UTC(2026, 0, 7, 10);
const USD = 1e9;
const HOUR = 3_600_000;

/** The BudgetLedger port's contract: all-or-none reservations, exact settlement, UTC periods. */
export const budgetLedgerContract = (name: string, make: MakeLedger, propertyRuns: number) => {
  describe(`BudgetLedger contract: ${name}`, () => {
    const setup = async (budgets: Budget[], recorded?: RecordedSpend, at = T0) => {
      const clock = new ManualClock(at);
      const d = await make(budgets, clock, recorded);
      const reserve = (
        nanos: number,
        level: Budget['level'] = 'turn',
        projectId: string | null = null,
      ) => d.ledger.reserve({ level: level ?? 'turn', projectId, nanos });
      const state = async (budget: string) => {
        await d.sync();
        return d.ledger.snapshot().find((s) => s.budget.name === budget);
      };
      return { clock, ledger: d.ledger, sync: d.sync, reserve, state };
    };
    const refusal = (o: Outcome) => (o.isErr() ? o.error : undefined);
    const DAILY: Budget = { name: 'daily', period: 'day', limitUsd: 1 };

    it('admits up to the limit exactly, then refuses naming the budget, until the day resets', async () => {
      const t = await setup([DAILY]);
      expect((await t.reserve(0.6 * USD)).isOk()).toBe(true);
      expect((await t.reserve(0.4 * USD)).isOk()).toBe(true);
      const end = Date.UTC(2026, 0, 8);
      expect(refusal(await t.reserve(1))).toEqual({
        budget: 'daily',
        retryAfterMs: end - T0,
        resetsAt: end,
      });
      expect(await t.state('daily')).toMatchObject({
        spentNanos: 0,
        reservedNanos: USD,
        resetsAt: end,
      });
    });

    it('settles to the actual cost: the difference is free again, spend is what was settled', async () => {
      const t = await setup([DAILY]);
      const r = (await t.reserve(USD))._unsafeUnwrap();
      expect((await t.reserve(1)).isErr()).toBe(true);
      await r.settle(0.25 * USD);
      expect(await t.state('daily')).toMatchObject({ spentNanos: 0.25 * USD, reservedNanos: 0 });
      expect((await t.reserve(0.75 * USD)).isOk()).toBe(true);
      expect((await t.reserve(1)).isErr()).toBe(true);
    });

    it('counts a settle once, and keeps the reservation when the actual cost is not a number', async () => {
      const t = await setup([DAILY]);
      const a = (await t.reserve(100))._unsafeUnwrap();
      await a.settle(40);
      await a.settle(40);
      const b = (await t.reserve(300))._unsafeUnwrap();
      await b.settle(Number.NaN);
      expect(await t.state('daily')).toMatchObject({ spentNanos: 340, reservedNanos: 0 });
    });

    it('settles a zero-nanos reservation without touching the others held', async () => {
      // fast-check's counterexample: Redis refused the Lua script's -0 as HINCRBY's increment.
      const t = await setup([DAILY]);
      const zero = (await t.reserve(0))._unsafeUnwrap();
      const one = (await t.reserve(1))._unsafeUnwrap();
      await zero.settle(0);
      expect(await t.state('daily')).toMatchObject({ spentNanos: 0, reservedNanos: 1 });
      await one.settle(1);
      expect(await t.state('daily')).toMatchObject({ spentNanos: 1, reservedNanos: 0 });
    });

    it('reserves all or none: a call that fits one budget but not another holds neither', async () => {
      const big: Budget = { name: 'month', period: 'month', limitUsd: 10 };
      const small: Budget = { name: 'turns', period: 'day', limitUsd: 1, level: 'turn' };
      const t = await setup([big, small]);
      expect(refusal(await t.reserve(2 * USD, 'turn'))?.budget).toBe('turns');
      expect(await t.state('month')).toMatchObject({ reservedNanos: 0 });
      expect((await t.reserve(2 * USD, 'task')).isOk()).toBe(true);
      expect(await t.state('month')).toMatchObject({ reservedNanos: 2 * USD });
      expect(await t.state('turns')).toMatchObject({ reservedNanos: 0 });
    });

    it('matches by level and by project; a call no budget matches is admitted', async () => {
      const proj: Budget = { name: 'proj-x', period: 'week', limitUsd: 1, projectId: 'x' };
      const obj: Budget = { name: 'obj', period: 'week', limitUsd: 1, level: 'objective' };
      const t = await setup([proj, obj]);
      expect((await t.reserve(USD, 'task', 'x')).isOk()).toBe(true);
      expect(refusal(await t.reserve(1, 'task', 'x'))?.budget).toBe('proj-x');
      expect((await t.reserve(5 * USD, 'task', 'y')).isOk()).toBe(true);
      expect((await t.reserve(USD, 'objective', 'y')).isOk()).toBe(true);
      expect(refusal(await t.reserve(1, 'objective', null))?.budget).toBe('obj');
    });

    it('rolls over at midnight UTC, Monday 00:00 UTC and the 1st of the month', async () => {
      const budgets: Budget[] = [
        DAILY,
        { name: 'weekly', period: 'week', limitUsd: 1 },
        { name: 'monthly', period: 'month', limitUsd: 1 },
      ];
      // Saturday 2026-01-31 23:00 UTC: the day ends in 1 h, the month too, the week in 25 h.
      const at = Date.UTC(2026, 0, 31, 23);
      const t = await setup(budgets, undefined, at);
      await (await t.reserve(USD))._unsafeUnwrap().settle(USD);
      expect(refusal(await t.reserve(1))).toMatchObject({ budget: 'daily', retryAfterMs: HOUR });
      t.clock.advance(HOUR);
      expect(refusal(await t.reserve(1))).toMatchObject({
        budget: 'weekly',
        retryAfterMs: 24 * HOUR,
      });
      expect(await t.state('daily')).toMatchObject({
        spentNanos: 0,
        resetsAt: Date.UTC(2026, 1, 2),
      });
      expect(await t.state('monthly')).toMatchObject({
        spentNanos: 0,
        resetsAt: Date.UTC(2026, 2, 1),
      });
      t.clock.advance(24 * HOUR - 1);
      expect(refusal(await t.reserve(1))).toMatchObject({ budget: 'weekly', retryAfterMs: 1 });
      t.clock.advance(1);
      expect((await t.reserve(USD)).isOk()).toBe(true);
    });

    it('agrees with the calendar on every period end, leap days and year ends included', async () => {
      const budgets: Budget[] = (['day', 'week', 'month'] as const).map((period) => ({
        name: period,
        period,
        limitUsd: 1,
      }));
      const times = [
        Date.UTC(2028, 1, 29, 12),
        Date.UTC(2028, 1, 28, 23, 59, 59, 999),
        Date.UTC(2027, 11, 31, 23, 59),
        Date.UTC(2027, 0, 1),
        Date.UTC(2026, 11, 28),
        Date.UTC(2100, 1, 28, 5),
        Date.UTC(2000, 1, 29),
      ];
      for (const at of times) {
        const t = await setup(budgets, undefined, at);
        await t.sync();
        for (const s of t.ledger.snapshot()) {
          expect([s.budget.name, new Date(s.resetsAt).toISOString()]).toEqual([
            s.budget.name,
            new Date(periodWindow(s.budget.period, at).end).toISOString(),
          ]);
        }
      }
    });

    it('counts spend recorded before start in the same period, not in another', async () => {
      const start = Date.UTC(2026, 0, 7);
      const recorded: RecordedSpend = new Map([
        ['daily', { periodStart: start, nanos: 0.9 * USD }],
        ['weekly', { periodStart: Date.UTC(2025, 11, 29), nanos: 5 * USD }],
      ]);
      const weekly: Budget = { name: 'weekly', period: 'week', limitUsd: 1 };
      const t = await setup([DAILY, weekly], recorded);
      expect(refusal(await t.reserve(0.2 * USD))?.budget).toBe('daily');
      expect((await t.reserve(0.1 * USD)).isOk()).toBe(true);
      expect(await t.state('daily')).toMatchObject({ spentNanos: 0.9 * USD });
      expect(await t.state('weekly')).toMatchObject({ spentNanos: 0 });
      t.clock.advance(24 * HOUR);
      expect(await t.state('daily')).toMatchObject({ spentNanos: 0, reservedNanos: 0 });
    });

    it('of 3N concurrent reservations where N fit, admits exactly N', async () => {
      const n = 20;
      const t = await setup([{ name: 'tight', period: 'day', limitUsd: n * 0.001 }]);
      const all = await Promise.all(Array.from({ length: 3 * n }, () => t.reserve(0.001 * USD)));
      expect(all.filter((o) => o.isOk())).toHaveLength(n);
      expect(all.filter((o) => refusal(o)?.budget === 'tight')).toHaveLength(2 * n);
      expect(await t.state('tight')).toMatchObject({ reservedNanos: n * 0.001 * USD });
    });

    it('random interleavings: admitted never pass the limit; settled spend is the sum of actual costs', () =>
      budgetLedgerProperty(make, propertyRuns));
  });
};

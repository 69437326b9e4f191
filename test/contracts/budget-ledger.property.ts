import fc from 'fast-check';
import { ManualClock } from '../../src/adapters/in-memory';
import { budgetMatches, limitNanos, type Budget, type Level } from '../../src/domain';
import type { BudgetReservation } from '../../src/ports';
import type { MakeLedger } from './budget-ledger.contract';

const LEVELS: readonly Level[] = ['turn', 'task'];
const BUDGETS: readonly Budget[] = [
  { name: 'all', period: 'day', limitUsd: 0.000_001 },
  { name: 'turns', period: 'day', limitUsd: 0.000_000_6, level: 'turn' },
];

/** One step: a reservation (its worst case and the share of it actually spent) or a settle. */
const arbSteps = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('reserve' as const),
      nanos: fc.integer({ min: 0, max: 400 }),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
      level: fc.constantFrom(...LEVELS),
    }),
    fc.record({ kind: fc.constant('settle' as const), pick: fc.nat() }),
  ),
  { minLength: 1, maxLength: 40 },
);

interface Held {
  readonly level: Level;
  readonly nanos: number;
  readonly actual: number;
  readonly reservation: BudgetReservation;
}

/**
 * Random interleavings of reservations (some started together, unawaited) and settlements,
 * checked against an oracle that replays them in order: each decision is the oracle's (admit
 * exactly when every matching budget has room for the worst case), reserved plus spent never
 * passes a limit, and once everything settles the spend is the sum of the actual costs.
 */
export const budgetLedgerProperty = (make: MakeLedger, numRuns: number): Promise<void> =>
  fc.assert(
    fc.asyncProperty(arbSteps, fc.integer({ min: 1, max: 4 }), async (steps, burst) => {
      const d = await make(BUDGETS, new ManualClock(Date.UTC(2026, 0, 7, 12)));
      const oracle = new Map(BUDGETS.map((b) => [b.name, { spent: 0, reserved: 0 }]));
      const open: Held[] = [];
      const spentBy = new Map(BUDGETS.map((b) => [b.name, 0]));
      const check = async () => {
        await d.sync();
        for (const s of d.ledger.snapshot()) {
          const o = oracle.get(s.budget.name)!;
          expect({ spent: s.spentNanos, reserved: s.reservedNanos }).toEqual(o);
          expect(s.spentNanos + s.reservedNanos).toBeLessThanOrEqual(limitNanos(s.budget));
        }
      };
      const settle = async (h: Held) => {
        await h.reservation.settle(h.actual);
        for (const b of BUDGETS.filter((b) => budgetMatches(b, h.level, null))) {
          const o = oracle.get(b.name)!;
          o.reserved -= h.nanos;
          o.spent += h.actual;
          spentBy.set(b.name, spentBy.get(b.name)! + h.actual);
        }
      };
      for (let i = 0; i < steps.length; i += burst) {
        const batch = steps.slice(i, i + burst);
        // Reservations of one batch race each other; the ledger decides them in arrival order.
        const started = batch.map((s) =>
          s.kind === 'reserve'
            ? d.ledger.reserve({ level: s.level, projectId: null, nanos: s.nanos })
            : null,
        );
        // The ledger sees every reservation of the batch before its settles.
        for (const [j, s] of batch.entries()) {
          if (s.kind !== 'reserve') continue;
          const outcome = await started[j]!;
          const matching = BUDGETS.filter((b) => budgetMatches(b, s.level, null));
          const first = matching.find((b) => {
            const o = oracle.get(b.name)!;
            return o.spent + o.reserved + s.nanos > limitNanos(b);
          });
          expect(outcome.isOk()).toBe(first === undefined);
          if (outcome.isErr()) {
            expect(outcome.error.budget).toBe(first?.name);
            continue;
          }
          for (const b of matching) oracle.get(b.name)!.reserved += s.nanos;
          const actual = Math.floor(s.nanos * s.share);
          open.push({ level: s.level, nanos: s.nanos, actual, reservation: outcome.value });
        }
        for (const s of batch) {
          if (s.kind !== 'settle') continue;
          const h = open.splice(s.pick % Math.max(1, open.length), 1)[0];
          if (h) await settle(h);
        }
        await check();
      }
      for (const h of open.splice(0)) await settle(h);
      await check();
      for (const s of d.ledger.snapshot()) {
        expect(s.reservedNanos).toBe(0);
        expect(s.spentNanos).toBe(spentBy.get(s.budget.name));
      }
    }),
    { numRuns },
  );

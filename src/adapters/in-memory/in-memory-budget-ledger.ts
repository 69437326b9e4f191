import { err, ok, type Result } from 'neverthrow';
import { budgetMatches, limitNanos, periodWindow, settledNanos, type Budget } from '../../domain';
import type {
  BudgetCharge,
  BudgetLedger,
  BudgetRefusal,
  BudgetReservation,
  BudgetState,
  Clock,
  RecordedSpend,
} from '../../ports';

interface Tally {
  spent: number;
  reserved: number;
}

/**
 * Budgets held in this process: one tally per budget and period, seeded with the spend recorded
 * before start. Checks and reservations are synchronous, so concurrent calls cannot overshoot.
 */
export class InMemoryBudgetLedger implements BudgetLedger {
  private readonly tallies = new Map<string, Map<number, Tally>>();

  constructor(
    private readonly clock: Clock,
    private readonly budgets: readonly Budget[],
    private readonly recorded: RecordedSpend = new Map(),
    /** Consumer keys' own budgets, as they are now (they come and go with the keys). */
    private readonly keyBudgets: () => readonly Budget[] = () => [],
  ) {}

  private all(): readonly Budget[] {
    const keyed = this.keyBudgets();
    return keyed.length === 0 ? this.budgets : [...this.budgets, ...keyed];
  }

  reserve(charge: BudgetCharge): Promise<Result<BudgetReservation, BudgetRefusal>> {
    const now = this.clock.now();
    const held: Tally[] = [];
    for (const b of this.all()) {
      if (!budgetMatches(b, charge.level, charge.projectId, charge.keyId ?? null)) continue;
      const w = periodWindow(b.period, now);
      const t = this.tally(b, w.start);
      if (t.spent + t.reserved + charge.nanos > limitNanos(b)) {
        const refusal = { budget: b.name, retryAfterMs: Math.max(1, w.end - now), resetsAt: w.end };
        return Promise.resolve(err(refusal));
      }
      held.push(t);
    }
    for (const t of held) t.reserved += charge.nanos;
    let settled = false;
    return Promise.resolve(
      ok({
        settle: (actual) => {
          if (settled) return Promise.resolve();
          settled = true;
          const spent = settledNanos(actual, charge.nanos);
          for (const t of held) {
            t.reserved -= charge.nanos;
            t.spent += spent;
          }
          return Promise.resolve();
        },
      }),
    );
  }

  snapshot(): readonly BudgetState[] {
    const now = this.clock.now();
    return this.all().map((budget) => {
      const w = periodWindow(budget.period, now);
      const t = this.tally(budget, w.start);
      return { budget, spentNanos: t.spent, reservedNanos: t.reserved, resetsAt: w.end };
    });
  }

  /** The tally of `b`'s period starting at `start`; past periods go once nothing is held. */
  private tally(b: Budget, start: number): Tally {
    let periods = this.tallies.get(b.name);
    if (!periods) this.tallies.set(b.name, (periods = new Map()));
    let t = periods.get(start);
    if (!t) {
      const seed = this.recorded.get(b.name);
      t = { spent: seed?.periodStart === start ? seed.nanos : 0, reserved: 0 };
      periods.set(start, t);
      for (const [s, old] of periods) if (s < start && old.reserved === 0) periods.delete(s);
    }
    return t;
  }
}

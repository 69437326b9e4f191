import { err, ok, type Result } from 'neverthrow';
import { budgetMatches, limitNanos, settledNanos, type Budget } from '../../domain';
import type {
  BudgetCharge,
  BudgetLedger,
  BudgetRefusal,
  BudgetReservation,
  BudgetState,
  Clock,
  RecordedSpend,
} from '../../ports';
import { RESERVE, SETTLE, SNAPSHOT } from './budget-scripts';
import type { RedisLink } from './redis-link';
import { InFlightScripts } from './in-flight-scripts';

/** How a RedisBudgetLedger is set up. */
export interface RedisBudgetLedgerOptions {
  readonly budgets: readonly Budget[];
  /** Spend recorded before start; counted by the first instance to meet that period. */
  readonly recorded?: RecordedSpend;
  /** Prefix of every key: instances that share budgets share it. */
  readonly keyPrefix: string;
  readonly clock: Clock;
  /** Consumer keys' own budgets, as they are now (they come and go with the keys). */
  readonly keyBudgets?: () => readonly Budget[];
  /** Serves while Redis is unreachable: budgets per instance, never none. */
  readonly fallback: BudgetLedger;
  /** 'server' (default): Redis TIME. 'clock': the clock's time, for tests. */
  readonly time?: 'server' | 'clock';
}

type Outcome = Result<BudgetReservation, BudgetRefusal>;
const SNAPSHOT_MAX_AGE_MS = 1000;

/**
 * Budgets shared by every instance: one atomic Lua script checks and reserves against every
 * matching budget in one round trip, so N instances together never admit past a limit.
 */
export class RedisBudgetLedger implements BudgetLedger {
  private readonly inflight = new InFlightScripts();
  private last: readonly BudgetState[];
  private refreshedAt = -Infinity;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly link: RedisLink,
    private readonly o: RedisBudgetLedgerOptions,
  ) {
    this.last = o.fallback.snapshot();
  }

  reserve(charge: BudgetCharge): Promise<Outcome> {
    return this.inflight.track(this.decide(charge));
  }

  /** The last tallies read from Redis (refreshed in the background), or the fallback's. */
  snapshot(): readonly BudgetState[] {
    if (!this.link.usable()) return this.o.fallback.snapshot();
    if (this.o.clock.now() - this.refreshedAt >= SNAPSHOT_MAX_AGE_MS) void this.refresh();
    return this.last;
  }

  /** Reads every budget's tally from Redis now. */
  refresh(): Promise<void> {
    const budgets = this.all();
    if (budgets.length === 0) {
      this.last = [];
      this.refreshedAt = this.o.clock.now();
      return Promise.resolve();
    }
    const args = budgets.flatMap((b) => [b.period, ...this.seed(b)]);
    this.refreshing ??= SNAPSHOT.run(this.link.client, budgets.map(this.key), [this.now(), ...args])
      .then((r) => {
        const rows = Array.isArray(r) ? (r as unknown[][]) : [];
        if (rows.length !== budgets.length) throw badReply(r);
        this.last = budgets.map((budget, i) => {
          const [spent, reserved, end] = (rows[i] ?? []).map(Number);
          return {
            budget,
            spentNanos: spent ?? 0,
            reservedNanos: reserved ?? 0,
            resetsAt: end ?? 0,
          };
        });
        this.refreshedAt = this.o.clock.now();
        this.link.succeeded();
      })
      .catch((e: unknown) => this.link.failed(e))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  settled(): Promise<void> {
    return this.flush();
  }

  /** Waits for reservations and settlements in flight, then refreshes the snapshot. */
  async flush(): Promise<void> {
    await this.inflight.drained();
    if (this.link.usable()) await this.refresh();
  }

  private async decide(charge: BudgetCharge): Promise<Outcome> {
    const { fallback } = this.o;
    const keyId = charge.keyId ?? null;
    const matching = this.all().filter((b) =>
      budgetMatches(b, charge.level, charge.projectId, keyId),
    );
    if (matching.length === 0) return ok({ settle: () => Promise.resolve() });
    if (!this.link.usable()) return fallback.reserve(charge);
    const args = matching.flatMap((b) => [b.period, limitNanos(b), ...this.seed(b)]);
    let reply: unknown;
    try {
      reply = await RESERVE.run(this.link.client, matching.map(this.key), [
        this.now(),
        charge.nanos,
        ...args,
      ]);
      this.link.succeeded();
    } catch (e) {
      this.link.failed(e);
      return fallback.reserve(charge);
    }
    const r = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (r[0] === 1 && r.length === matching.length + 1) {
      const keys = r.slice(1).map(String);
      let settled = false;
      return ok({
        settle: (actual) => {
          if (settled) return Promise.resolve();
          settled = true;
          return this.settle(keys, charge.nanos, settledNanos(actual, charge.nanos));
        },
      });
    }
    const budget = matching[Number(r[1]) - 1];
    if (r[0] !== 0 || !budget || typeof r[2] !== 'number' || typeof r[3] !== 'number') {
      // Never admit on a reply we cannot read: fall back, loudly.
      this.link.failed(badReply(reply));
      return fallback.reserve(charge);
    }
    return err({ budget: budget.name, retryAfterMs: r[2], resetsAt: r[3] });
  }

  private settle(keys: readonly string[], held: number, actual: number): Promise<void> {
    // A failed settle leaves the reservation held: the budget errs on the side of spend.
    return this.inflight.track(
      SETTLE.run(this.link.client, keys, [held, actual]).then(
        () => undefined,
        (e: unknown) => this.link.failed(e),
      ),
    );
  }

  private all(): readonly Budget[] {
    const keyed = this.o.keyBudgets?.() ?? [];
    return keyed.length === 0 ? this.o.budgets : [...this.o.budgets, ...keyed];
  }

  /** The seed of `b` as script arguments: its recorded period start and spend, or none. */
  private seed(b: Budget): [number, number] {
    const s = this.o.recorded?.get(b.name);
    return s ? [s.periodStart, s.nanos] : [-1, 0];
  }

  private readonly key = (b: Budget): string => `{${this.o.keyPrefix}budget}:${b.name}`;

  private now(): string {
    return this.o.time === 'clock' ? String(this.o.clock.now()) : '';
  }
}

const badReply = (r: unknown): Error =>
  new Error(`unexpected reply from the budget script: ${JSON.stringify(r)}`);

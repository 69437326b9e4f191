import type { Result } from 'neverthrow';
import type { Budget, Level, NanoUsd } from '../domain';

/** What one call asks of the budgets: who it is for and its worst-case cost. */
export interface BudgetCharge {
  readonly level: Level;
  readonly projectId: string | null;
  /** The consumer key the call is made with (null or absent: none); its own budgets count. */
  readonly keyId?: string | null;
  readonly nanos: NanoUsd;
}

/** Worst-case cost held against every matching budget until the call ends. */
export interface BudgetReservation {
  /**
   * Replaces the reservation with what the call actually cost, in the period it was reserved
   * in. Call it once; it never rejects (a store that fails keeps the reservation instead).
   */
  settle(actualNanos: NanoUsd): Promise<void>;
}

/** Why a call was refused: the first budget it did not fit, and when that budget resets. */
export interface BudgetRefusal {
  readonly budget: string;
  readonly retryAfterMs: number;
  /** Epoch ms at which the budget's period ends. */
  readonly resetsAt: number;
}

/** One budget in its current period, for status. */
export interface BudgetState {
  readonly budget: Budget;
  readonly spentNanos: NanoUsd;
  readonly reservedNanos: NanoUsd;
  /** Epoch ms of the current period's end. */
  readonly resetsAt: number;
}

/**
 * Spend already recorded before start, per budget name: what its period starting at
 * `periodStart` had cost. A ledger counts it when it first meets that period.
 */
export type RecordedSpend = ReadonlyMap<
  string,
  { readonly periodStart: number; readonly nanos: NanoUsd }
>;

/**
 * Spend caps per calendar period (day, week, month in UTC). `reserve` holds a charge against
 * every budget that matches it, all or none: it is refused when any one of them would go past
 * its limit counting what is spent and what is reserved.
 */
export interface BudgetLedger {
  reserve(charge: BudgetCharge): Promise<Result<BudgetReservation, BudgetRefusal>>;
  /** Every budget in its current period; never waits on the network. */
  snapshot(): readonly BudgetState[];
  /**
   * Resolves once reservations and settlements already made are in what `snapshot` returns
   * (a shared ledger reads them back); absent where `snapshot` is always current.
   */
  settled?(): Promise<void>;
}
